using Bunit;
using CommandCenter.Web.Components.Layout;
using CommandCenter.Web.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace CommandCenter.Tests.Features;

public class DegradedBannerTests : ComponentTestContext
{
    // A data source on a port nothing listens on: every probe is refused, as when the server is down.
    private static readonly NpgsqlDataSource Nowhere = NpgsqlDataSource.Create("Host=127.0.0.1;Port=1;Timeout=2;Username=x;Password=x;Database=x");

    public DegradedBannerTests() : base(services: s =>
        s.AddSingleton(new DatabaseStatus(Nowhere, TimeProvider.System, NullLogger<DatabaseStatus>.Instance)))
    {
    }

    [Fact]
    public async Task Nothing_is_said_while_the_database_answers_and_the_banner_appears_live_when_it_stops()
    {
        var cut = Render<DegradedBanner>();
        Assert.Empty(cut.FindAll("[data-testid=degraded-banner]"));

        await Services.GetRequiredService<DatabaseStatus>().ProbeAsync(Xunit.TestContext.Current.CancellationToken);

        cut.WaitForAssertion(() => Assert.Contains("数据库连接中断", cut.Find("[data-testid=degraded-banner]").TextContent));
    }
}
