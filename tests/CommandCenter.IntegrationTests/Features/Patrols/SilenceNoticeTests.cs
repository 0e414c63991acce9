using CommandCenter.Web.Features.Patrols;
using Microsoft.AspNetCore.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using static CommandCenter.IntegrationTests.Features.Patrols.PatrolTestData;

namespace CommandCenter.IntegrationTests.Features.Patrols;

// The instance's own sweeper waits an hour between passes here; the tests sweep themselves.
public class SilenceNoticeTests() : OwnAppTest(b => b.UseSetting("Patrol:SilenceSweepInterval", "00:10:00"))
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private SilenceNotices AnotherInstance() => new(
        App.Services.GetRequiredService<IDbContextFactory<Web.Data.CommandCenterDb>>(),
        App.Services.GetRequiredService<Web.Live.LiveBus>(),
        App.Services.GetRequiredService<IOptions<PatrolOptions>>(),
        TimeProvider.System, NullLogger<SilenceNotices>.Instance);

    // A unit whose last fix is `ago` old, written as the writer would have written it.
    private async Task<long> UnitLastHeardAsync(TimeSpan ago)
    {
        using var http = App.CreateApiClient();
        var (unitId, _) = await RegisterAsync(http);
        await Database.ExecuteAsync($"""
            INSERT INTO unit_positions (unit_id, fix_time, location, received_at, tx)
            VALUES ({unitId}, now() - interval '{(int)ago.TotalSeconds} seconds', ST_SetSRID(ST_MakePoint({Num(Lon)}, {Num(Lat)}), 4326), now(), txid_current())
            """);
        return unitId;
    }

    [Fact]
    public async Task Two_instances_sweeping_at_once_notice_a_silent_unit_once_and_every_board_hears_it()
    {
        var unitId = await UnitLastHeardAsync(TimeSpan.FromMinutes(5));
        var heard = new List<UnitSilentNotice>();
        using var _ = App.Services.GetRequiredService<SilenceNotices>().OnUnitSilent(n => { lock (heard) heard.Add(n); });

        var swept = await Task.WhenAll(App.Services.GetRequiredService<SilenceNotices>().SweepAsync(Ct), AnotherInstance().SweepAsync(Ct), AnotherInstance().SweepAsync(Ct));

        Assert.Single(swept.SelectMany(s => s), n => n.UnitId == unitId);
        await Eventually.TrueAsync(() => { lock (heard) return heard.Exists(n => n.UnitId == unitId); }, TimeSpan.FromSeconds(10), "the board to hear the notice");
        Assert.Empty(await AnotherInstance().SweepAsync(Ct));
        lock (heard) Assert.Single(heard, n => n.UnitId == unitId);
    }

    [Fact]
    public async Task A_unit_that_went_silent_while_no_instance_ran_is_noticed_at_the_first_sweep_and_a_unit_still_reporting_is_not()
    {
        // Silent for 20 minutes: it went quiet before this instance started.
        var silent = await UnitLastHeardAsync(TimeSpan.FromMinutes(20));
        var reporting = await UnitLastHeardAsync(TimeSpan.FromSeconds(10));

        var noticed = await AnotherInstance().SweepAsync(Ct);

        Assert.Contains(noticed, n => n.UnitId == silent);
        Assert.DoesNotContain(noticed, n => n.UnitId == reporting);
    }
}
