using CommandCenter.Web.Data;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using CommandCenter.Web.Features.Access;
using CommandCenter.Web.Live;

namespace CommandCenter.IntegrationTests;

// One app instance on a given database; two factories on one database are two instances.
public sealed class AppFactory(string connectionString, Action<IWebHostBuilder>? configure = null) : WebApplicationFactory<Program>
{
    public const string DemoPassword = "Test#Passw0rd";
    public const string DemoApiKey = "cc_test_IntegrationTestKey000000000000";

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.UseSetting("ConnectionStrings:CommandCenter", connectionString);
        builder.UseSetting("Demo:Enabled", "false");
        // Tests that weigh the plans' entry rules call the engine themselves.
        builder.UseSetting("Plans:RulesEnabled", "false");
        builder.UseSetting("Live:PollInterval", "00:00:01");
        builder.UseSetting("Access:SeedDemoUsers", "true");
        builder.UseSetting("Access:DemoPassword", DemoPassword);
        builder.UseSetting("Access:DemoApiKey", DemoApiKey);
        // Every test client is one address, one key and the same demo users, and posts many
        // fixes a second: the real allowances would throttle the suite. RateLimitTests set small ones.
        builder.UseSetting("RateLimits:SignInPerAddress", "1000000");
        builder.UseSetting("RateLimits:SignInPerUserName", "1000000");
        builder.UseSetting("RateLimits:OsmAndPerDevice", "1000000");
        builder.UseSetting("RateLimits:ApiPerKey", "10000000");
        configure?.Invoke(builder);
    }

    // A client of the API as a machine: the demo key (incidents:read, incidents:write).
    public HttpClient CreateApiClient(string? apiKey = DemoApiKey)
    {
        var client = CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        if (apiKey is not null) client.DefaultRequestHeaders.Add(ApiKeyAuthenticationHandler.Header, apiKey);
        return client;
    }

    public CommandCenterDb CreateDb() => Services.GetRequiredService<IDbContextFactory<CommandCenterDb>>().CreateDbContext();

    public async Task<HubConnection> ConnectHubAsync()
    {
        var connection = new HubConnectionBuilder()
            .WithUrl(new Uri(Server.BaseAddress, LiveHubContract.Path), o =>
            {
                o.HttpMessageHandlerFactory = _ => Server.CreateHandler();
                o.Headers[ApiKeyAuthenticationHandler.Header] = DemoApiKey;
            })
            .Build();
        await connection.StartAsync();
        return connection;
    }

    // The app is serving once its outbox listener listens (and so migrations and seeding ran).
    private bool _realServer;

    // Kestrel on a free loopback port instead of the in-memory test server.
    public void UseRealServer()
    {
        _realServer = true;
        UseKestrel(0);
    }

    public async Task StartedAsync()
    {
        if (_realServer) StartServer();
        else _ = Server;
        await Services.GetRequiredService<OutboxListener>().Ready.WaitAsync(TimeSpan.FromSeconds(60));
    }
}

// A database with the app's schema and the seeded demo territory, shared by one test class;
// tests that change data remove what they add with ResetAsync.
public sealed class AppFixture : IAsyncLifetime
{
    public TestDatabase Database { get; private set; } = default!;
    public AppFactory App { get; private set; } = default!;

    public async ValueTask InitializeAsync()
    {
        Database = await TestDatabase.CreateAsync();
        App = new AppFactory(Database.ConnectionString);
        await App.StartedAsync();
    }

    // The app's background loops lock rows of the same tables: a deadlock with the TRUNCATE is a
    // transient meeting, and its victim simply tries again.
    public async Task ResetAsync()
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await Database.ExecuteAsync("TRUNCATE incidents RESTART IDENTITY CASCADE");
                return;
            }
            catch (Npgsql.PostgresException ex) when (ex.SqlState == Npgsql.PostgresErrorCodes.DeadlockDetected && attempt < 5)
            {
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await App.DisposeAsync();
        await Database.DisposeAsync();
    }
}
