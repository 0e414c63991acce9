using CommandCenter.Domain.Patrols;
using Microsoft.Extensions.Options;

namespace CommandCenter.Web.Features.Patrols;

public sealed record FixRejection(int Index, string? DeviceId, IReadOnlyDictionary<string, string[]> Errors);

public sealed record BatchResult(int Received, int Accepted, int Stored, IReadOnlyList<FixRejection> Rejected);

public enum OsmAndOutcome
{
    Stored,
    Duplicate,
    // Unknown device, missing token or wrong token: one outcome, so ids cannot be enumerated.
    Refused,
    Invalid,
}

// At most one line per interval; the next line says how many were left out meanwhile.
public sealed class LogThrottle(TimeSpan interval, TimeProvider clock)
{
    private readonly Lock _gate = new();
    private DateTimeOffset _next = DateTimeOffset.MinValue;
    private int _suppressed;

    public bool TryEnter(out int suppressed)
    {
        lock (_gate)
        {
            var now = clock.GetUtcNow();
            if (now < _next)
            {
                _suppressed++;
                suppressed = 0;
                return false;
            }
            _next = now + interval;
            suppressed = _suppressed;
            _suppressed = 0;
            return true;
        }
    }
}

// Every fix, whatever protocol brought it, goes through here: device lookup, validation against
// the clock, then the group-commit writer. Counted by protocol and outcome.
public sealed class PositionIngest(
    DeviceDirectory devices,
    PositionWriter writer,
    Infrastructure.DatabaseStatus database,
    IOptions<PatrolOptions> options,
    TimeProvider clock,
    PatrolMetrics metrics,
    ILogger<PositionIngest> logger)
{
    public const string BatchProtocol = "batch";
    public const string OsmAndProtocol = "osmand";

    public static readonly IReadOnlyDictionary<string, string[]> RefusedErrors =
        new Dictionary<string, string[]> { ["id"] = ["Unknown device, or a missing or wrong token."] };

    private readonly LogThrottle _refusedLog = new(options.Value.UnknownDeviceLogInterval, clock);

    private FixLimits Limits => new() { MaxFutureSkew = options.Value.MaxFutureSkew, MaxAge = options.Value.Retention };

    public async Task<BatchResult> IngestBatchAsync(IReadOnlyList<ParsedFix> fixes, CancellationToken ct)
    {
        // Sized up front: its step-by-step growth showed in the ingest profile.
        var ids = new HashSet<string>(Math.Min(fixes.Count, 1024), StringComparer.Ordinal);
        foreach (var f in fixes)
        {
            // An id that could never be registered is not looked up.
            if (f.Report.DeviceId is { } id && FixRules.DeviceIdProblem(id) is null) ids.Add(id);
        }
        var misses = new List<string>();
        var known = await devices.FindManyAsync(ids, ct, misses);
        if (misses.Count > 0 && _refusedLog.TryEnter(out var suppressed))
            logger.LogWarning("Position batch names {Count} unknown device(s), e.g. {DeviceId}; their fixes are rejected ({Suppressed} such lines left out)",
                misses.Count, misses[0], suppressed);

        var now = clock.GetUtcNow();
        var limits = Limits;
        var rejected = new List<FixRejection>();
        var accepted = new List<FixToStore>(fixes.Count);
        for (var i = 0; i < fixes.Count; i++)
        {
            var (report, parseErrors) = fixes[i];
            // Made only for a fix with something wrong: most fixes are fine.
            var errors = parseErrors.Count > 0 ? new Dictionary<string, string[]>(parseErrors) : null;
            RegisteredDevice? device = null;
            if (string.IsNullOrEmpty(report.DeviceId)) (errors ??= []).TryAdd("deviceId", ["deviceId is required."]);
            else if (FixRules.DeviceIdProblem(report.DeviceId) is { } idProblem) (errors ??= []).TryAdd("deviceId", [idProblem]);
            else if (!known.TryGetValue(report.DeviceId, out device)) (errors ??= []).TryAdd("deviceId", [$"Unknown device '{report.DeviceId}'; an admin must register it."]);
            PositionFix? fix = null;
            if (errors is null || errors.Keys.All(k => k == "deviceId"))
            {
                var invalid = FixRules.Validate(report, now, limits, out fix);
                if (invalid.Count > 0)
                {
                    errors ??= [];
                    foreach (var (field, messages) in invalid) errors.TryAdd(field, messages);
                }
            }
            if (errors is not null)
            {
                rejected.Add(new FixRejection(i, report.DeviceId, errors.ToDictionary(e => $"fixes[{i}].{e.Key}", e => e.Value)));
                metrics.Fixes(BatchProtocol, errors.ContainsKey("deviceId") ? "unknown_device" : "rejected", reason: errors.Keys.First());
                continue;
            }
            accepted.Add(new FixToStore(device!.UnitId, fix!));
        }

        var stored = await writer.WriteAsync(accepted, ct);
        metrics.Fixes(BatchProtocol, "stored", stored);
        metrics.Fixes(BatchProtocol, "duplicate", accepted.Count - stored);
        return new BatchResult(fixes.Count, accepted.Count, stored, rejected);
    }

    public async Task<(OsmAndOutcome Outcome, IReadOnlyDictionary<string, string[]> Errors)> IngestOsmAndAsync(
        OsmAndMessage message, string form, string? remote, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(message.DeviceId))
        {
            metrics.Fixes(OsmAndProtocol, "unknown_device");
            logger.LogWarning("OsmAnd {Form} message from {Remote} has no device id; refused", form, remote);
            return (OsmAndOutcome.Refused, new Dictionary<string, string[]> { ["id"] = ["id (or deviceid, device_id) is required."] });
        }
        var device = await devices.FindAsync(message.DeviceId, ct);
        if (device is null || !device.Accepts(message.Token, options.Value.AllowDevicesWithoutToken))
        {
            metrics.Fixes(OsmAndProtocol, device is null ? "unknown_device" : "unauthorized");
            // Throttled: a misconfigured phone retries, a scanner tries thousands of ids.
            if (_refusedLog.TryEnter(out var suppressed))
                logger.LogWarning("OsmAnd {Form} fix from device {DeviceId} ({Remote}) refused: {Reason} ({Suppressed} such lines left out)",
                    form, message.DeviceId, remote, device is null ? "not registered; register it under /api/admin/patrol/devices" : "missing or wrong token", suppressed);
            return (OsmAndOutcome.Refused, RefusedErrors);
        }
        var errors = new Dictionary<string, string[]>(message.Errors);
        if (errors.Count == 0)
        {
            var validation = FixRules.Validate(message.Report, clock.GetUtcNow(), Limits, out var fix);
            foreach (var (field, messages) in validation) errors.TryAdd(field, messages);
            if (fix is not null)
            {
                if (options.Value.OsmAndAck == FixAck.Queued && writer.Healthy && database.DownSince is null)
                {
                    // Answered once queued (ADR 0007); counted when written.
                    _ = CountWhenWrittenAsync(writer.Queue([new FixToStore(device.UnitId, fix)], answered: true));
                    return (OsmAndOutcome.Stored, errors);
                }
                var stored = await writer.WriteAsync([new FixToStore(device.UnitId, fix)], ct);
                metrics.Fixes(OsmAndProtocol, stored == 1 ? "stored" : "duplicate");
                return (stored == 1 ? OsmAndOutcome.Stored : OsmAndOutcome.Duplicate, errors);
            }
        }
        metrics.Fixes(OsmAndProtocol, "rejected", reason: errors.Keys.First());
        logger.LogInformation("OsmAnd fix from device {DeviceId} rejected: {Errors}", message.DeviceId,
            string.Join("; ", errors.Select(e => $"{e.Key}: {string.Join(" ", e.Value)}")));
        return (OsmAndOutcome.Invalid, errors);
    }

    // The writer logs a failed write; here it is counted as lost.
    private async Task CountWhenWrittenAsync(Task<int> written)
    {
        try
        {
            metrics.Fixes(OsmAndProtocol, await written == 1 ? "stored" : "duplicate");
        }
        catch (Exception)
        {
            metrics.Fixes(OsmAndProtocol, "lost");
        }
    }
}
