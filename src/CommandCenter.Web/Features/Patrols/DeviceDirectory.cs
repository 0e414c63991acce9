using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using CommandCenter.Web.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace CommandCenter.Web.Features.Patrols;

public sealed record RegisteredDevice(string DeviceId, long UnitId, string? TokenHash)
{
    // A device without a token is refused unless Patrol:AllowDevicesWithoutToken (labs).
    public bool Accepts(string? token, bool allowWithoutToken) =>
        TokenHash is null ? allowWithoutToken : token is not null && CryptographicOperations.FixedTimeEquals(
            Encoding.ASCII.GetBytes(DeviceDirectory.HashToken(token)), Encoding.ASCII.GetBytes(TokenHash));
}

// Which device ids may report, and for which unit. Every fix asks, so lookups (and misses) are
// cached for Patrol:DeviceCacheTtl; changes made through this instance apply at once. Misses
// are kept apart, bounded (Patrol:MaxUnknownDevices, Patrol:MaxUnknownDeviceBytes).
public sealed class DeviceDirectory(IDbContextFactory<CommandCenterDb> dbFactory, IOptions<PatrolOptions> options, TimeProvider clock)
{
    // Only registered devices land here, so it holds at most the devices table; the bound is a backstop.
    private const int MaxCached = 100_000;
    private readonly ConcurrentDictionary<string, (RegisteredDevice Device, DateTimeOffset Until)> _cache = new(StringComparer.Ordinal);
    private readonly UnknownDeviceCache _unknown = new(options.Value.MaxUnknownDevices, options.Value.MaxUnknownDeviceBytes);
    private long _lookups;

    // Database round trips so far: tests show that refused ids never cost one.
    internal long Lookups => Interlocked.Read(ref _lookups);

    internal UnknownDeviceCache Unknown => _unknown;

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
            if (_cache.TryGetValue(id, out var hit) && hit.Until > now) found[id] = hit.Device;
            else if (!_unknown.Contains(id, now)) ask.Add(id);
        }
        if (ask.Count == 0) return found;

        Interlocked.Increment(ref _lookups);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var rows = await db.PatrolDevices.AsNoTracking().Where(d => ask.Contains(d.DeviceId))
            .Select(d => new RegisteredDevice(d.DeviceId, d.UnitId, d.TokenHash)).ToListAsync(ct);
        if (_cache.Count > MaxCached) _cache.Clear();
        var until = now + options.Value.DeviceCacheTtl;
        foreach (var id in ask)
        {
            var device = rows.FirstOrDefault(r => r.DeviceId == id);
            if (device is not null)
            {
                _cache[id] = (device, until);
                _unknown.Remove(id);
                found[id] = device;
            }
            else
            {
                _unknown.Add(id, until);
                misses?.Add(id);
            }
        }
        return found;
    }

    public void Invalidate(string deviceId)
    {
        _cache.TryRemove(deviceId, out _);
        _unknown.Remove(deviceId);
    }
}
