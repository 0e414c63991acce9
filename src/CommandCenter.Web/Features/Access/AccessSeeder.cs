using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace CommandCenter.Web.Features.Access;

// Roles always exist; demo accounts and the demo API key only where configured (run command,
// tests), never in production configuration.
public sealed class AccessSeeder(IServiceScopeFactory scopes, IOptions<AccessOptions> options, ApiKeyService keys, ILogger<AccessSeeder> logger)
    : IHostedService
{
    public static readonly IReadOnlyList<(string UserName, string DisplayName, string Role, string? Unit)> DemoUsers =
    [
        ("admin", "系统管理员", Roles.Admin, null),
        ("duty", "值班员 王", Roles.DutyOfficer, null),
        ("dispatcher", "调度员 李", Roles.Dispatcher, null),
        ("leader", "领导 张", Roles.Leader, null),
        ("water", "自来水公司 联动员", Roles.LinkageOperator, "water"),
        ("patrol01", "巡逻一组", Roles.Responder, "patrol-01"),
        ("wall", "大屏", Roles.WallDisplay, null),
    ];

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var roleManager = scope.ServiceProvider.GetRequiredService<RoleManager<IdentityRole>>();
        foreach (var role in Roles.All)
            if (!await roleManager.RoleExistsAsync(role)) await roleManager.CreateAsync(new IdentityRole(role));

        var o = options.Value;
        if (!o.SeedDemoUsers) return;
        var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
        foreach (var (userName, displayName, role, unit) in DemoUsers)
        {
            if (await users.FindByNameAsync(userName) is not null) continue;
            var user = new AppUser { UserName = userName, DisplayName = displayName, UnitCode = unit };
            var created = await users.CreateAsync(user, o.DemoPassword);
            if (!created.Succeeded) throw new InvalidOperationException($"Demo user {userName}: {string.Join("; ", created.Errors.Select(e => e.Description))}");
            await users.AddToRoleAsync(user, role);
        }
        if (o.DemoApiKey is { Length: > 0 } secret && (await keys.ListAsync(cancellationToken)).All(k => k.Name != "demo"))
            await keys.CreateAsync("demo", Scopes.All, Actor.System("seed"), secret, cancellationToken);
        logger.LogInformation("Demo sign-in: {Users} — password {Password}",
            string.Join(", ", DemoUsers.Select(u => $"{u.UserName} ({u.Role})")), o.DemoPassword);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
