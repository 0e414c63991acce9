using System.Security.Cryptography;
using System.Text;
using CommandCenter.Web.Data;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace CommandCenter.Web.Features.Access;

// A one-time code an admin issues for a wall display's account. The screen enters it once at
// /account/pair and holds a long-lived sign-in from then on, so nobody types (or shares) the
// account's password at the wall. Only the code's hash is stored.
public sealed class KioskPairingCode
{
    public long Id { get; set; }
    public required string UserId { get; set; }
    public required string CodeHash { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset ExpiresAt { get; set; }
    public DateTimeOffset? UsedAt { get; set; }
    public required string CreatedBy { get; set; }
}

public sealed record IssuedPairingCode(string Code, DateTimeOffset ExpiresAt);

public sealed class KioskPairing(IServiceScopeFactory scopes, TimeProvider clock)
{
    public static readonly TimeSpan CodeLifetime = TimeSpan.FromMinutes(10);
    public static readonly TimeSpan ScreenSignIn = TimeSpan.FromDays(30);

    // No 0/O, 1/I/L: read off one screen, typed on another.
    private const string Alphabet = "23456789ABCDEFGHJKMNPQRSTUVWXYZ";
    private const int CodeLength = 10;

    public async Task<IssuedPairingCode> IssueAsync(string userId, Actor actor, CancellationToken ct = default)
    {
        await using var scope = scopes.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
        var db = scope.ServiceProvider.GetRequiredService<CommandCenterDb>();
        var user = await users.FindByIdAsync(userId) ?? throw new KeyNotFoundException(userId);
        if (!await users.IsInRoleAsync(user, Roles.WallDisplay)) throw new InvalidOperationException($"{user.UserName} is not a wall display account.");
        var code = string.Concat(Enumerable.Range(0, CodeLength).Select(_ => Alphabet[RandomNumberGenerator.GetInt32(Alphabet.Length)]));
        var now = clock.GetUtcNow();
        var issued = new KioskPairingCode { UserId = user.Id, CodeHash = Hash(code), CreatedAt = now, ExpiresAt = now + CodeLifetime, CreatedBy = actor.Name };
        db.KioskPairingCodes.Add(issued);
        AuditLog.Add(db, actor, AuditActions.KioskCodeIssued, user.UserName, new { expiresAt = issued.ExpiresAt }, now);
        await db.SaveChangesAsync(ct);
        return new IssuedPairingCode($"{code[..5]}-{code[5..]}", issued.ExpiresAt);
    }

    // The wall account the code pairs, once; null for an unknown, used or expired code.
    public async Task<AppUser?> RedeemAsync(string code, string? remoteAddress, CancellationToken ct = default)
    {
        var normalised = new string([.. code.ToUpperInvariant().Where(char.IsLetterOrDigit)]);
        if (normalised.Length != CodeLength) return null;
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CommandCenterDb>();
        var now = clock.GetUtcNow();
        var hash = Hash(normalised);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var pairing = await db.KioskPairingCodes
            .FromSql($"SELECT * FROM kiosk_pairing_codes WHERE code_hash = {hash} AND used_at IS NULL AND expires_at > {now} FOR UPDATE")
            .FirstOrDefaultAsync(ct);
        if (pairing is null) return null;
        pairing.UsedAt = now;
        var user = await db.Users.FirstAsync(u => u.Id == pairing.UserId, ct);
        AuditLog.Add(db, new Actor(Actor.UserKind, user.Id, user.UserName ?? user.Id, remoteAddress), AuditActions.KioskPaired, user.UserName, null, now);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return user;
    }

    // Ends every screen signed in as this account (its security stamp changes): each drops within
    // Access:RevalidateEvery and must be paired again.
    public async Task RevokeScreensAsync(string userId, Actor actor, CancellationToken ct = default)
    {
        await using var scope = scopes.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
        var db = scope.ServiceProvider.GetRequiredService<CommandCenterDb>();
        var user = await users.FindByIdAsync(userId) ?? throw new KeyNotFoundException(userId);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        await users.UpdateSecurityStampAsync(user);
        AuditLog.Add(db, actor, AuditActions.KioskRevoked, user.UserName, null, clock.GetUtcNow());
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
    }

    private static string Hash(string code) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(code)));
}
