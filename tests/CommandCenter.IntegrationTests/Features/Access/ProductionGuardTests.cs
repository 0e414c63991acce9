using Microsoft.AspNetCore.Hosting;

namespace CommandCenter.IntegrationTests.Features.Access;

// Production never runs with a password or key that is published in the repository.
public class ProductionGuardTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static AppFactory Production(TestDatabase database, bool seedDemoUsers = false) => new(database.ConnectionString, b =>
    {
        b.UseEnvironment("Production");
        b.UseSetting("Access:SeedDemoUsers", seedDemoUsers ? "true" : "false");
        b.UseSetting("Access:DemoApiKey", "");
    });

    private static async Task<string> StartFailureAsync(AppFactory app)
    {
        var failure = await Record.ExceptionAsync(() => Task.Run(app.StartedAsync, Ct));
        Assert.NotNull(failure);
        return failure.ToString();
    }

    [Fact]
    public async Task Production_refuses_to_start_on_a_database_that_holds_the_demo_accounts_and_key_and_says_what_to_do()
    {
        await using var database = await TestDatabase.CreateAsync();
        await using (var demo = new AppFactory(database.ConnectionString)) await demo.StartedAsync();

        await using var production = Production(database);
        var failure = await StartFailureAsync(production);

        Assert.Contains("Production refuses to start", failure);
        Assert.Contains("Demo accounts with the published password exist (admin, dispatcher, duty, leader, leader2, patrol01, wall, water, water-lead)", failure);
        Assert.Contains("The development API key is active (demo): revoke it", failure);
    }

    [Fact]
    public async Task Production_refuses_to_start_with_SeedDemoUsers_on()
    {
        await using var database = await TestDatabase.CreateAsync();
        await using var production = Production(database, seedDemoUsers: true);

        var failure = await StartFailureAsync(production);

        Assert.Contains("Access:SeedDemoUsers is on", failure);
        Assert.Equal(0L, await database.ScalarAsync<long>("SELECT count(*) FROM \"AspNetUsers\""));
    }

    [Fact]
    public async Task Production_starts_on_a_clean_database_with_no_account_and_a_sign_in_page_without_any_password()
    {
        await using var database = await TestDatabase.CreateAsync();
        await using var production = Production(database);
        await production.StartedAsync();

        var page = await production.CreateClient().GetStringAsync("/account/login", Ct);

        Assert.Contains("id=\"password\"", page);
        Assert.DoesNotContain("demo-hint", page);
        Assert.Equal(0L, await database.ScalarAsync<long>("SELECT count(*) FROM \"AspNetUsers\""));
    }

    [Theory]
    [InlineData("Development", true)]
    [InlineData("Staging", false)]
    [InlineData("Demo", false)]
    public async Task The_sign_in_page_shows_the_demo_password_only_in_Development(string environment, bool shown)
    {
        await using var database = await TestDatabase.CreateAsync();
        await using var app = new AppFactory(database.ConnectionString, b => b.UseEnvironment(environment));
        await app.StartedAsync();

        var page = await app.CreateClient().GetStringAsync("/account/login", Ct);

        Assert.Equal(shown, page.Contains(AppFactory.DemoPassword, StringComparison.Ordinal));
        Assert.Equal(shown, page.Contains("demo-hint", StringComparison.Ordinal));
    }
}
