using System.Collections.Concurrent;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using CommandCenter.Web.Data;
using Microsoft.AspNetCore.Authentication;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace CommandCenter.Web.Features.Access;

public sealed record ApiKeyView(long Id, string Name, string Prefix, string[] Scopes, DateTimeOffset CreatedAt, string CreatedBy, DateTimeOffset? RevokedAt, DateTimeOffset? LastUsedAt);

public sealed record CreatedApiKey(ApiKeyView Key, string Secret);

public sealed class ApiKeyService(IDbContextFactory<CommandCenterDb> dbFactory, TimeProvider clock, IOptions<AccessOptions> options)
{
    private const string KeyPrefix = "cc_";

    // A gateway sends thousands of batches a minute with the same key: reading the key's row for each
    // cost a tenth of the ingest's CPU. Known keys are remembered briefly, by the hash of the secret.
    // A key revoked here stops at once; one revoked on another instance, within Access:ApiKeyCacheFor.
    // Unknown secrets are never remembered, so made-up keys cannot fill the memory.
    private readonly ConcurrentDictionary<string, (ApiKey Key, DateTimeOffset Until)> _known = new(StringComparer.Ordinal);

    public async Task<CreatedApiKey> CreateAsync(string name, IReadOnlyCollection<string> scopes, Actor actor, string? secret = null, CancellationToken ct = default)
    {
        var unknown = scopes.Except(Scopes.All).ToList();
        if (unknown.Count > 0) throw new ArgumentException($"Unknown scope(s): {string.Join(", ", unknown)}.", nameof(scopes));
        if (string.IsNullOrWhiteSpace(name)) throw new ArgumentException("A key needs a name.", nameof(name));

        // 8 chars of prefix to find the row, 32 random bytes of secret.
        secret ??= $"{KeyPrefix}{RandomToken(6)}_{RandomToken(32)}";
        var prefix = PrefixOf(secret) ?? throw new ArgumentException("A key looks like cc_<prefix>_<secret>.", nameof(secret));
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var key = new ApiKey
        {
            Name = name.Trim(),
            Prefix = prefix,
            Hash = Hash(secret),
            Scopes = [.. scopes.Distinct().Order()],
            CreatedAt = clock.GetUtcNow(),
            CreatedBy = actor.Name,
        };
        db.ApiKeys.Add(key);
        AuditLog.Add(db, actor, AuditActions.ApiKeyCreated, key.Name, new { key.Prefix, key.Scopes }, key.CreatedAt);
        await db.SaveChangesAsync(ct);
        return new CreatedApiKey(ToView(key), secret);
    }

    public async Task<bool> RevokeAsync(long id, Actor actor, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var key = await db.ApiKeys.FirstOrDefaultAsync(k => k.Id == id, ct);
        if (key is null || key.RevokedAt is not null) return false;
        key.RevokedAt = clock.GetUtcNow();
        AuditLog.Add(db, actor, AuditActions.ApiKeyRevoked, key.Name, new { key.Prefix }, key.RevokedAt.Value);
        await db.SaveChangesAsync(ct);
        foreach (var (hash, known) in _known)
            if (known.Key.Id == id) _known.TryRemove(hash, out _);
        return true;
    }

    public async Task<IReadOnlyList<ApiKeyView>> ListAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var keys = await db.ApiKeys.AsNoTracking().OrderBy(k => k.Id).ToListAsync(ct);
        return keys.Select(ToView).ToList();
    }

    public async Task<ApiKey?> FindAsync(string secret, CancellationToken ct)
    {
        var prefix = PrefixOf(secret);
        if (prefix is null) return null;
        var hash = Hash(secret);
        var cacheKey = Convert.ToBase64String(hash);
        var now = clock.GetUtcNow();
        if (_known.TryGetValue(cacheKey, out var known) && known.Until > now) return known.Key;

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var candidates = await db.ApiKeys.Where(k => k.Prefix == prefix && k.RevokedAt == null).ToListAsync(ct);
        var key = candidates.FirstOrDefault(k => CryptographicOperations.FixedTimeEquals(k.Hash, hash));
        if (key is null)
        {
            _known.TryRemove(cacheKey, out _);
            return null;
        }
        if (key.LastUsedAt is null || now - key.LastUsedAt > TimeSpan.FromMinutes(1))
        {
            key.LastUsedAt = now;
            await db.SaveChangesAsync(ct);
        }
        _known[cacheKey] = (key, now + options.Value.ApiKeyCacheFor);
        return key;
    }

    // Keys are 256-bit random secrets, so a plain SHA-256 is enough: no password stretching needed.
    private static byte[] Hash(string secret) => SHA256.HashData(Encoding.UTF8.GetBytes(secret));

    private static string? PrefixOf(string secret)
    {
        if (!secret.StartsWith(KeyPrefix, StringComparison.Ordinal)) return null;
        var parts = secret[KeyPrefix.Length..].Split('_', 2);
        return parts.Length == 2 && parts[0].Length >= 4 && parts[1].Length >= 16 ? parts[0] : null;
    }

    private static string RandomToken(int bytes) =>
        Convert.ToBase64String(RandomNumberGenerator.GetBytes(bytes)).TrimEnd('=').Replace('+', 'A').Replace('/', 'B');

    private static ApiKeyView ToView(ApiKey k) => new(k.Id, k.Name, k.Prefix, k.Scopes, k.CreatedAt, k.CreatedBy, k.RevokedAt, k.LastUsedAt);
}

public sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, ApiKeyService keys)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";
    public const string Header = "X-Api-Key";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        string? secret = Request.Headers[Header].FirstOrDefault();
        var authorization = Request.Headers.Authorization.FirstOrDefault();
        if (secret is null && authorization?.StartsWith("ApiKey ", StringComparison.OrdinalIgnoreCase) == true) secret = authorization[7..].Trim();
        if (string.IsNullOrEmpty(secret)) return AuthenticateResult.NoResult();

        var key = await keys.FindAsync(secret, Context.RequestAborted);
        if (key is null) return AuthenticateResult.Fail("Unknown or revoked API key.");
        var claims = new List<Claim>
        {
            new(ClaimTypes.NameIdentifier, $"api_key:{key.Id}"),
            new(ClaimTypes.Name, key.Name),
            new(AccessClaims.DisplayName, key.Name),
            new(AccessClaims.ActorKind, Actor.ApiKeyKind),
        };
        claims.AddRange(key.Scopes.Select(s => new Claim(AccessClaims.Scope, s)));
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName)), SchemeName));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = $"{SchemeName} header=\"{Header}\"";
        return Task.CompletedTask;
    }
}
