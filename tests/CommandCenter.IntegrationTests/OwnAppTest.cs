using Microsoft.AspNetCore.Hosting;

namespace CommandCenter.IntegrationTests;

// A test class whose app needs settings of its own: its own database, its own app, per test.
public abstract class OwnAppTest(Action<IWebHostBuilder>? configure = null) : IAsyncLifetime
{
    protected TestDatabase Database { get; private set; } = default!;
    protected AppFactory App { get; set; } = default!;

    public async ValueTask InitializeAsync()
    {
        Database = await TestDatabase.CreateAsync();
        App = new AppFactory(Database.ConnectionString, configure);
        await App.StartedAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await App.DisposeAsync();
        await Database.DisposeAsync();
    }
}
