using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using CommandCenter.Web.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace CommandCenter.Web.Features.Patrols;

public sealed record RegisteredDevice(string DeviceId, long UnitId, string? TokenHash)
{
    public bool Accepts(string? token) =>
        TokenHash is null || token is not null && CryptographicOperations.FixedTimeEquals(
            Encoding.ASCII.GetBytes(DeviceDirectory.HashToken(token)), Encoding.ASCII.GetBytes(TokenHash));
}

// Which device ids may report, and for which unit. Every fix asks, so lookups (and misses) are
// cached for Patrol:DeviceCacheTtl; changes made through this instance apply at once.
public sealed class DeviceDirectory(IDbContextFactory<CommandCenterDb> dbFactory, IOptions<PatrolOptions> options, TimeProvider clock)
{
    private const int MaxCached = 100_000;
    private readonly ConcurrentDictionary<string, (RegisteredDevice? Device, DateTimeOffset Until)> _cache = new(StringComparer.Ordinal);

    // Tokens are random and long, so a plain SHA-256 is the right hash (no need to slow guesses).
    public static string HashToken(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    public static string NewToken() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(24)).Replace('+', '-').Replace('/', '_');

    public async Task<RegisteredDevice?> FindAsync(string deviceId, CancellationToken ct) =>
        (await FindManyAsync([deviceId], ct)).GetValueOrDefault(deviceId);

    // The devices found, by id; `misses` gets the ids looked up in the database and not found
    // (not those answered from cache), so a caller can log an unknown device once per TTL.
    public async Task<IReadOnlyDictionary<string, RegisteredDevice>> FindManyAsync(
        IReadOnlyCollection<string> deviceIds, CancellationToken ct, ICollection<string>? misses = null)
    {
        var now = clock.GetUtcNow();
        var found = new Dictionary<string, RegisteredDevice>(Math.Min(deviceIds.Count, 1024), StringComparer.Ordinal);
        var ask = new List<string>();
        foreach (var id in deviceIds is ISet<string> ? deviceIds : deviceIds.Distinct(StringComparer.Ordinal))
        {
            if (_cache.TryGetValue(id, out var hit) && hit.Until > now)
            {
                if (hit.Device is not null) found[id] = hit.Device;
            }
            else ask.Add(id);
        }
        if (ask.Count == 0) return found;

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var rows = await db.PatrolDevices.AsNoTracking().Where(d => ask.Contains(d.DeviceId))
            .Select(d => new RegisteredDevice(d.DeviceId, d.UnitId, d.TokenHash)).ToListAsync(ct);
        if (_cache.Count > MaxCached) _cache.Clear(); // a flood of made-up ids must not grow memory
        var until = now + options.Value.DeviceCacheTtl;
        foreach (var id in ask)
        {
            var device = rows.FirstOrDefault(r => r.DeviceId == id);
            _cache[id] = (device, until);
            if (device is not null) found[id] = device;
            else misses?.Add(id);
        }
        return found;
    }

    public void Invalidate(string deviceId) => _cache.TryRemove(deviceId, out _);
}
