using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace CommandCenter.Web.Features.Access;

public sealed record UserView(string Id, string UserName, string DisplayName, string? UnitCode, IReadOnlyList<string> Roles, bool LockedOut);

public sealed record NewUser(string UserName, string DisplayName, string Role, string? UnitCode, string Password);

// Administers staff accounts. Each call has its own scope (and so its own DbContext): an admin
// page's circuit may live for hours.
public sealed class UserAdmin(IServiceScopeFactory scopes, TimeProvider clock)
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

        return await InOneTransactionAsync(async (users, db) =>
        {
            var user = new AppUser { UserName = input.UserName.Trim(), DisplayName = input.DisplayName.Trim(), UnitCode = Roles.NeedsUnit(input.Role) ? input.UnitCode?.Trim() : null };
            var created = await users.CreateAsync(user, input.Password);
            if (!created.Succeeded)
                return created.Errors.GroupBy(e => e.Code.StartsWith("Password", StringComparison.Ordinal) ? "password" : "userName")
                    .ToDictionary(g => g.Key, g => g.Select(e => e.Description).ToArray());
            Require(await users.AddToRoleAsync(user, input.Role));
            AuditLog.Add(db, actor, AuditActions.UserCreated, user.UserName, new { input.Role, user.UnitCode }, clock.GetUtcNow());
            return errors;
        });
    }

    // The old role goes and the new one comes in the same transaction as the audit row: a failure
    // leaves the user as they were, never without a role or with two.
    public Task SetRoleAsync(string userId, string role, Actor actor)
    {
        if (!Roles.All.Contains(role)) throw new ArgumentException($"Unknown role '{role}'.", nameof(role));
        return InOneTransactionAsync(async (users, db) =>
        {
            var user = await users.FindByIdAsync(userId) ?? throw new KeyNotFoundException(userId);
            Require(await users.RemoveFromRolesAsync(user, await users.GetRolesAsync(user)));
            Require(await users.AddToRoleAsync(user, role));
            Require(await users.UpdateSecurityStampAsync(user)); // open sessions re-check and drop the old role
            AuditLog.Add(db, actor, AuditActions.UserRolesChanged, user.UserName, new { role }, clock.GetUtcNow());
            return true;
        });
    }

    public Task SetLockedAsync(string userId, bool locked, Actor actor) =>
        InOneTransactionAsync(async (users, db) =>
        {
            var user = await users.FindByIdAsync(userId) ?? throw new KeyNotFoundException(userId);
            Require(await users.SetLockoutEndDateAsync(user, locked ? DateTimeOffset.MaxValue : null));
            if (!locked) Require(await users.ResetAccessFailedCountAsync(user));
            Require(await users.UpdateSecurityStampAsync(user));
            AuditLog.Add(db, actor, locked ? AuditActions.UserLocked : AuditActions.UserUnlocked, user.UserName, new { at = clock.GetUtcNow() }, clock.GetUtcNow());
            return true;
        });

    public Task<IReadOnlyList<string>> ResetPasswordAsync(string userId, string password, Actor actor) =>
        InOneTransactionAsync<IReadOnlyList<string>>(async (users, db) =>
        {
            var user = await users.FindByIdAsync(userId) ?? throw new KeyNotFoundException(userId);
            var token = await users.GeneratePasswordResetTokenAsync(user);
            var result = await users.ResetPasswordAsync(user, token, password);
            if (!result.Succeeded) return [.. result.Errors.Select(e => e.Description)];
            AuditLog.Add(db, actor, AuditActions.UserPasswordReset, user.UserName, null, clock.GetUtcNow());
            return [];
        });

    // Identity's store saves on the scope's context; the transaction around it makes the user's
    // change and its audit row one write. A result that reports errors commits nothing but the answer.
    private async Task<T> InOneTransactionAsync<T>(Func<UserManager<AppUser>, Data.CommandCenterDb, Task<T>> work)
    {
        await using var scope = scopes.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
        var db = scope.ServiceProvider.GetRequiredService<Data.CommandCenterDb>();
        await using var tx = await db.Database.BeginTransactionAsync();
        var result = await work(users, db);
        if (db.ChangeTracker.Entries<AuditEntry>().Any(e => e.State == EntityState.Added))
        {
            await db.SaveChangesAsync();
            await tx.CommitAsync();
        }
        return result;
    }

    private static void Require(IdentityResult result)
    {
        if (!result.Succeeded) throw new InvalidOperationException(string.Join("; ", result.Errors.Select(e => e.Description)));
    }
}
