using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace CommandCenter.Web.Features.Access;

public sealed record UserView(string Id, string UserName, string DisplayName, string? UnitCode, IReadOnlyList<string> Roles, bool LockedOut);

public sealed record NewUser(string UserName, string DisplayName, string Role, string? UnitCode, string Password);

// Administers staff accounts. Each call has its own scope (and so its own DbContext): an admin
// page's circuit may live for hours.
public sealed class UserAdmin(IServiceScopeFactory scopes, AuditLog audit, TimeProvider clock)
{
    public async Task<IReadOnlyList<UserView>> ListAsync(CancellationToken ct = default)
    {
        await using var scope = scopes.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
        var list = await users.Users.OrderBy(u => u.UserName).ToListAsync(ct);
        var views = new List<UserView>();
        foreach (var u in list)
            views.Add(new UserView(u.Id, u.UserName!, u.DisplayName, u.UnitCode, [.. await users.GetRolesAsync(u)], await users.IsLockedOutAsync(u)));
        return views;
    }

    // Errors are keyed by field, like the API's problem details.
    public async Task<IReadOnlyDictionary<string, string[]>> CreateAsync(NewUser input, Actor actor)
    {
        var errors = new Dictionary<string, string[]>();
        if (!Roles.All.Contains(input.Role)) errors["role"] = [$"Unknown role '{input.Role}'."];
        if (Roles.NeedsUnit(input.Role) && string.IsNullOrWhiteSpace(input.UnitCode)) errors["unitCode"] = [$"A {input.Role} must be bound to a unit."];
        if (string.IsNullOrWhiteSpace(input.UserName)) errors["userName"] = ["A user name is required."];
        if (errors.Count > 0) return errors;

        await using var scope = scopes.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
        var user = new AppUser { UserName = input.UserName.Trim(), DisplayName = input.DisplayName.Trim(), UnitCode = Roles.NeedsUnit(input.Role) ? input.UnitCode?.Trim() : null };
        var created = await users.CreateAsync(user, input.Password);
        if (!created.Succeeded)
            return created.Errors.GroupBy(e => e.Code.StartsWith("Password", StringComparison.Ordinal) ? "password" : "userName")
                .ToDictionary(g => g.Key, g => g.Select(e => e.Description).ToArray());
        await users.AddToRoleAsync(user, input.Role);
        await audit.WriteAsync(actor, AuditActions.UserCreated, user.UserName, new { input.Role, user.UnitCode });
        return errors;
    }

    public async Task SetRoleAsync(string userId, string role, Actor actor)
    {
        if (!Roles.All.Contains(role)) throw new ArgumentException($"Unknown role '{role}'.", nameof(role));
        await using var scope = scopes.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
        var user = await users.FindByIdAsync(userId) ?? throw new KeyNotFoundException(userId);
        await users.RemoveFromRolesAsync(user, await users.GetRolesAsync(user));
        await users.AddToRoleAsync(user, role);
        await users.UpdateSecurityStampAsync(user); // open circuits re-check and drop the old role
        await audit.WriteAsync(actor, AuditActions.UserRolesChanged, user.UserName, new { role });
    }

    public async Task SetLockedAsync(string userId, bool locked, Actor actor)
    {
        await using var scope = scopes.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
        var user = await users.FindByIdAsync(userId) ?? throw new KeyNotFoundException(userId);
        await users.SetLockoutEndDateAsync(user, locked ? DateTimeOffset.MaxValue : null);
        if (!locked) await users.ResetAccessFailedCountAsync(user);
        await users.UpdateSecurityStampAsync(user);
        await audit.WriteAsync(actor, locked ? AuditActions.UserLocked : AuditActions.UserUnlocked, user.UserName, new { at = clock.GetUtcNow() });
    }

    public async Task<IReadOnlyList<string>> ResetPasswordAsync(string userId, string password, Actor actor)
    {
        await using var scope = scopes.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
        var user = await users.FindByIdAsync(userId) ?? throw new KeyNotFoundException(userId);
        var token = await users.GeneratePasswordResetTokenAsync(user);
        var result = await users.ResetPasswordAsync(user, token, password);
        if (!result.Succeeded) return [.. result.Errors.Select(e => e.Description)];
        await audit.WriteAsync(actor, AuditActions.UserPasswordReset, user.UserName);
        return [];
    }
}
