using System.Security.Claims;
using CommandCenter.Web.Data;
using CommandCenter.Web.Features.Incidents;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace CommandCenter.Web.Features.Access;

// Roles always exist; demo accounts and the demo API key only where configured (run command,
// tests, the demo compose file). Production refuses to start with either (ProductionGuard).
public sealed class AccessSeeder(
    IServiceScopeFactory scopes,
    IOptions<AccessOptions> options,
    IOptions<DemoOptions> demo,
    IDbContextFactory<CommandCenterDb> dbFactory,
    Npgsql.NpgsqlDataSource dataSource,
    IHostEnvironment environment,
    ApiKeyService keys,
    ILogger<AccessSeeder> logger)
    : IHostedService
{
    public static readonly IReadOnlyList<(string UserName, string DisplayName, string Role, string? Unit)> DemoUsers =
    [
        ("admin", "系统管理员", Roles.Admin, null),
        ("duty", "值班员 王", Roles.DutyOfficer, null),
        ("dispatcher", "调度员 李", Roles.Dispatcher, null),
        ("leader", "领导 张", Roles.Leader, null),
        ("leader2", "领导 陈", Roles.Leader, null), // second in the plans' approval lists
        ("water", "自来水公司 联动员", Roles.LinkageOperator, "water"),
        ("water-lead", "供水服务所 值班长 王建国", Roles.LinkageOperator, "water"), // the water unit's supervisor
        ("patrol01", "巡逻一组", Roles.Responder, "巡001"), // the demo patrol feed's first unit
        ("wall", "大屏", Roles.WallDisplay, null),
    ];

    // Every seeder takes it: two instances starting together seed once.
    internal const long LockKey = 0x43_43_53_45_45_44; // "CCSEED"

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        // Replicas starting together would both find a role or account missing and both add it.
        await using var held = await StartupLock.TakeAsync(dataSource, LockKey, cancellationToken);
        await using var scope = scopes.CreateAsyncScope();
        var roleManager = scope.ServiceProvider.GetRequiredService<RoleManager<IdentityRole>>();
        foreach (var role in Roles.All)
            if (!await roleManager.RoleExistsAsync(role)) await roleManager.CreateAsync(new IdentityRole(role));

        var o = options.Value;
        if (environment.IsProduction())
        {
            await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
            var problems = ProductionGuard.ConfigurationProblems(o, demo.Value).Concat(await ProductionGuard.DatabaseProblemsAsync(db, cancellationToken)).ToList();
            if (problems.Count > 0) throw new InvalidOperationException(ProductionGuard.Message(problems));
        }
        if (!o.SeedDemoUsers) return;
        if (string.IsNullOrEmpty(o.DemoPassword))
            throw new InvalidOperationException("Access:SeedDemoUsers is on but Access:DemoPassword is not set.");
        var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
        foreach (var (userName, displayName, role, unit) in DemoUsers)
        {
            if (await users.FindByNameAsync(userName) is { } existing)
            {
                // A demo account from an earlier version follows the demo's bindings (unit codes).
                if (existing.UnitCode != unit)
                {
                    existing.UnitCode = unit;
                    await users.UpdateAsync(existing);
                }
                continue;
            }
            var user = new AppUser { UserName = userName, DisplayName = displayName, UnitCode = unit };
            var created = await users.CreateAsync(user, o.DemoPassword);
            if (!created.Succeeded) throw new InvalidOperationException($"Demo user {userName}: {string.Join("; ", created.Errors.Select(e => e.Description))}");
            await users.AddToRoleAsync(user, role);
            await users.AddClaimAsync(user, new Claim(ProductionGuard.DemoClaim, "seed"));
        }
        if (o.DemoApiKey is { Length: > 0 } secret && (await keys.ListAsync(cancellationToken)).All(k => k.Name != "demo"))
            await keys.CreateAsync("demo", Scopes.All, Actor.System(ProductionGuard.SeedActor), secret, cancellationToken);
        else if (o.DemoApiKey is { Length: > 0 })
        {
            // The development key has every scope, including ones added since it was made.
            await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
            var scopesNow = Scopes.All.ToArray();
            await db.ApiKeys.Where(k => k.Name == "demo" && k.RevokedAt == null)
                .ExecuteUpdateAsync(k => k.SetProperty(x => x.Scopes, scopesNow), cancellationToken);
        }
        // The password goes to the log only where it is the published development one.
        if (environment.IsDevelopment())
            logger.LogInformation("Demo sign-in: {Users} — password {Password}", string.Join(", ", DemoUsers.Select(u => $"{u.UserName} ({u.Role})")), o.DemoPassword);
        else
            logger.LogInformation("Demo accounts: {Users}", string.Join(", ", DemoUsers.Select(u => $"{u.UserName} ({u.Role})")));
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
