using CommandCenter.Web.Data;
using CommandCenter.Web.Features.Access;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using NetTopologySuite.Geometries;

namespace CommandCenter.Web.Features.Linkage;

// The demo's linkage units for 上城区, where demo accounts are seeded (never in Production): the
// district-wide agencies, and one subdistrict water team that routing prefers inside 清波街道.
public sealed class LinkageSeeder(IDbContextFactory<CommandCenterDb> dbFactory, Npgsql.NpgsqlDataSource dataSource, IOptions<AccessOptions> access, TimeProvider clock, ILogger<LinkageSeeder> logger)
    : IHostedService
{
    internal const string QingboSubdistrict = "330102001";

    private static readonly (string Code, string Name, string[] Categories, string Supervisor, bool Qingbo)[] Units =
    [
        ("water", "杭州水务 上城供水服务所", ["water"], "王建国", false),
        ("water-qingbo", "清波街道 供水抢修队", ["water"], "陈立", true),
        ("power", "国网杭州供电 上城供电中心", ["power"], "李明", false),
        ("gas", "杭州天然气 上城抢修站", ["gas", "heating"], "赵强", false),
        ("urban", "上城区城市管理局", ["urban_management", "roads"], "孙伟", false),
        ("civil", "上城区民政局 救助管理站", ["civil_affairs"], "周芳", false),
        ("medical", "上城区卫生健康局", ["medical"], "吴敏", false),
        ("animals", "上城区动物防疫与收容中心", ["animals"], "郑涛", false),
    ];

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!access.Value.SeedDemoUsers) return;
        // Two instances starting together: one seeds, the other then finds the units there.
        await using var held = await StartupLock.TakeAsync(dataSource, AccessSeeder.LockKey, cancellationToken);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        if (await db.LinkageUnits.AnyAsync(cancellationToken)) return;
        // The grid seeder runs before this one; without a district there is nothing to cover.
        var district = await db.Districts.OrderBy(d => d.Code).Select(d => d.Boundary).FirstOrDefaultAsync(cancellationToken);
        var qingbo = await db.Subdistricts.Where(s => s.Code == QingboSubdistrict).Select(s => s.Boundary).FirstOrDefaultAsync(cancellationToken);
        if (district is null) return;
        var now = clock.GetUtcNow();
        foreach (var u in Units)
        {
            var area = u.Qingbo ? qingbo : district;
            if (area is null) continue;
            db.LinkageUnits.Add(new LinkageUnit
            {
                Code = u.Code, Name = u.Name, Categories = u.Categories, Area = (MultiPolygon)area.Copy(), SupervisorName = u.Supervisor, CreatedAt = now,
                // The demo account water-lead is the water company's supervisor: overdue notices reach it.
                SupervisorUserName = u.Code == "water" ? "water-lead" : null,
                AreaCodes = u.Qingbo ? [QingboSubdistrict] : [],
            });
        }
        await db.SaveChangesAsync(cancellationToken);
        logger.LogInformation("Seeded {Count} demo linkage units", Units.Length);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
