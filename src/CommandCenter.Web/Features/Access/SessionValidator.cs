using System.Security.Claims;
using CommandCenter.Web.Data;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace CommandCenter.Web.Features.Access;

// Is a long-lived session (a circuit, a hub connection) still backed by a live credential? A
// user's security stamp changes when an admin locks, demotes or resets them; an API key can be
// revoked. A lockout from wrong passwords changes neither: it stops new sign-ins only, so five
// bad guesses at the wall's account never blank the wall.
public sealed class SessionValidator(IDbContextFactory<CommandCenterDb> dbFactory, IOptions<IdentityOptions> identity)
{
    public async Task<bool> IsCurrentAsync(ClaimsPrincipal user, CancellationToken ct = default) =>
        (await CurrentAsync([user], ct))[0];

    // One query per kind of credential for all sessions of an instance.
    public async Task<bool[]> CurrentAsync(IReadOnlyList<ClaimsPrincipal> users, CancellationToken ct = default)
    {
        var stampClaim = identity.Value.ClaimsIdentity.SecurityStampClaimType;
        var keyIds = users.Select(KeyIdOf).OfType<long>().Distinct().ToList();
        var userIds = users.Where(u => KeyIdOf(u) is null).Select(u => u.FindFirstValue(ClaimTypes.NameIdentifier)).OfType<string>().Distinct().ToList();
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var activeKeys = keyIds.Count == 0 ? [] : (await db.ApiKeys.Where(k => keyIds.Contains(k.Id) && k.RevokedAt == null).Select(k => k.Id).ToListAsync(ct)).ToHashSet();
        var stamps = userIds.Count == 0 ? [] : await db.Users.Where(u => userIds.Contains(u.Id)).ToDictionaryAsync(u => u.Id, u => u.SecurityStamp, ct);
        return [.. users.Select(u => KeyIdOf(u) is { } keyId
            ? activeKeys.Contains(keyId)
            : u.FindFirstValue(ClaimTypes.NameIdentifier) is { } id && stamps.TryGetValue(id, out var stamp) && stamp == u.FindFirstValue(stampClaim))];
    }

    private static long? KeyIdOf(ClaimsPrincipal user) =>
        user.FindFirstValue(AccessClaims.ActorKind) == Actor.ApiKeyKind
        && user.FindFirstValue(ClaimTypes.NameIdentifier) is { } id && id.StartsWith("api_key:", StringComparison.Ordinal)
        && long.TryParse(id.AsSpan(8), System.Globalization.CultureInfo.InvariantCulture, out var keyId) ? keyId : null;
}
