using CommandCenter.Domain.Patrols;
using CommandCenter.Web.Data;
using CommandCenter.Web.Features.Access;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace CommandCenter.Web.Features.Patrols;

public sealed record UnitView(long Id, string Callsign, string Kind, string Duty, IReadOnlyList<string> Devices, string? Source = null);

public sealed record DeviceView(string DeviceId, long UnitId, string Callsign, bool HasToken, DateTimeOffset RegisteredAt)
{
    // Only in the answer to a registration that generated the token; never stored or listed.
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public string? Token { get; init; }
}

public sealed record NewUnit(string? Callsign, string? Kind);

public sealed record NewDevice(string? DeviceId, long? UnitId, string? Token);

public sealed record DutyChange(string? Duty);

public sealed class PatrolDutyConflictException(string message) : Exception(message);

public sealed class PatrolAdminException(string field, string message) : Exception(message)
{
    public string Field { get; } = field;
}

// Units and their devices, managed by an admin. A device can only report once registered here.
public sealed class PatrolAdmin(IDbContextFactory<CommandCenterDb> dbFactory, DeviceDirectory devices, TimeProvider clock)
{
    public async Task<IReadOnlyList<UnitView>> UnitsAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var units = await db.PatrolUnits.AsNoTracking().OrderBy(u => u.Callsign).ToListAsync(ct);
        var byUnit = (await db.PatrolDevices.AsNoTracking().ToListAsync(ct)).ToLookup(d => d.UnitId, d => d.DeviceId);
        return [.. units.Select(u => ViewOf(u, byUnit[u.Id]))];
    }

    public async Task<UnitView> CreateUnitAsync(NewUnit request, Actor actor, CancellationToken ct = default)
    {
        var callsign = request.Callsign?.Trim();
        if (string.IsNullOrEmpty(callsign) || callsign.Length > 40) throw new PatrolAdminException("callsign", "callsign is required, at most 40 characters.");
        if (!PatrolCodes.TryParseKind(request.Kind, out var kind))
            throw new PatrolAdminException("kind", $"kind must be one of {string.Join(", ", PatrolCodes.KindCodes)}.");
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var unit = new PatrolUnit { Callsign = callsign, Kind = kind, Duty = DutyStatus.Available, CreatedAt = clock.GetUtcNow(), Source = actor.SourceName };
        db.PatrolUnits.Add(unit);
        AuditLog.Add(db, actor, AuditActions.PatrolUnitCreated, $"patrol_unit/{callsign}", new { kind = PatrolCodes.ToCode(kind) }, unit.CreatedAt);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException ex) when (ex.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
        {
            throw new PatrolAdminException("callsign", $"A unit with callsign '{callsign}' exists.");
        }
        return ViewOf(unit, []);
    }

    public async Task<DeviceView> RegisterDeviceAsync(NewDevice request, Actor actor, CancellationToken ct = default)
    {
        var deviceId = request.DeviceId?.Trim();
        if (string.IsNullOrEmpty(deviceId)) throw new PatrolAdminException("deviceId", "deviceId is required.");
        if (FixRules.DeviceIdProblem(deviceId) is { } problem) throw new PatrolAdminException("deviceId", problem);
        if (request.Token is { Length: < 16 }) throw new PatrolAdminException("token", "A device token must be at least 16 characters.");
        // Without a token a device id alone would be the credential, and ids are printed on phones.
        var token = request.Token ?? DeviceDirectory.NewToken();
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var unit = await db.PatrolUnits.AsNoTracking().FirstOrDefaultAsync(u => u.Id == request.UnitId, ct)
            ?? throw new PatrolAdminException("unitId", $"No unit {request.UnitId}.");
        var device = await db.PatrolDevices.FirstOrDefaultAsync(d => d.DeviceId == deviceId, ct);
        if (device is null)
        {
            device = new PatrolDevice { DeviceId = deviceId, RegisteredAt = clock.GetUtcNow() };
            db.PatrolDevices.Add(device);
        }
        // Re-registering moves a device to another unit (a phone handed over at shift change).
        device.UnitId = unit.Id;
        device.TokenHash = DeviceDirectory.HashToken(token);
        AuditLog.Add(db, actor, AuditActions.PatrolDeviceRegistered, $"device/{deviceId}", new { unitId = unit.Id, unit.Callsign, hasToken = device.TokenHash is not null }, clock.GetUtcNow());
        await db.SaveChangesAsync(ct);
        devices.Invalidate(deviceId);
        // A generated token is shown this once; only its hash is stored.
        return new DeviceView(device.DeviceId, unit.Id, unit.Callsign, HasToken: true, device.RegisteredAt) { Token = request.Token is null ? token : null };
    }

    public async Task<IReadOnlyList<DeviceView>> DevicesAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await (from d in db.PatrolDevices.AsNoTracking()
                      join u in db.PatrolUnits on d.UnitId equals u.Id
                      orderby d.DeviceId
                      select new DeviceView(d.DeviceId, u.Id, u.Callsign, d.TokenHash != null, d.RegisteredAt)).ToListAsync(ct);
    }

    public async Task<bool> RemoveDeviceAsync(string deviceId, Actor actor, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var device = await db.PatrolDevices.FirstOrDefaultAsync(d => d.DeviceId == deviceId, ct);
        if (device is null) return false;
        db.PatrolDevices.Remove(device);
        AuditLog.Add(db, actor, AuditActions.PatrolDeviceRemoved, $"device/{deviceId}", new { device.UnitId }, clock.GetUtcNow());
        await db.SaveChangesAsync(ct);
        devices.Invalidate(deviceId);
        return true;
    }

    // Dispatch's view of what a unit is doing. The latest-position row is touched in the same
    // transaction so that every instance's live feed picks the change up with the positions.
    public async Task<UnitView?> SetDutyAsync(long unitId, DutyChange change, Actor actor, CancellationToken ct = default)
    {
        if (!PatrolCodes.TryParseDuty(change.Duty, out var duty))
            throw new PatrolAdminException("duty", $"duty must be one of {string.Join(", ", PatrolCodes.DutyCodes)}.");
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var unit = await db.PatrolUnits.FromSql($"SELECT * FROM patrol_units WHERE id = {unitId} FOR UPDATE").FirstOrDefaultAsync(ct);
        if (unit is null) return null;
        // A unit on an assignment moves with it (dispatched → en route → on scene → cleared).
        if (await db.Assignments.AnyAsync(a => a.UnitId == unitId && a.ClearedAt == null, ct))
            throw new PatrolDutyConflictException($"{unit.Callsign} is on an assignment: move it on the incident (en route, on scene, cleared) instead.");
        unit.Duty = duty;
        AuditLog.Add(db, actor, AuditActions.PatrolDutyChanged, $"patrol_unit/{unit.Callsign}", new { unitId, duty = PatrolCodes.ToCode(duty) }, clock.GetUtcNow());
        await db.SaveChangesAsync(ct);
        await db.Database.ExecuteSqlAsync($"UPDATE unit_positions SET tx = txid_current() WHERE unit_id = {unitId}", ct);
        await tx.CommitAsync(ct);
        var deviceIds = await db.PatrolDevices.AsNoTracking().Where(d => d.UnitId == unitId).Select(d => d.DeviceId).ToListAsync(ct);
        return ViewOf(unit, deviceIds);
    }

    // Registers many devices with one token in one transaction and one audit row: the demo feed
    // keys its own devices afresh at every start, and 240 audit rows a start would bury the rest.
    public async Task RegisterDevicesAsync(IReadOnlyList<(string DeviceId, long UnitId)> requests, string token, Actor actor, CancellationToken ct = default)
    {
        if (requests.Count == 0) return;
        var hash = DeviceDirectory.HashToken(token);
        var ids = requests.Select(r => r.DeviceId).ToList();
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var existing = await db.PatrolDevices.Where(d => ids.Contains(d.DeviceId)).ToDictionaryAsync(d => d.DeviceId, StringComparer.Ordinal, ct);
        var now = clock.GetUtcNow();
        foreach (var (deviceId, unitId) in requests)
        {
            if (!existing.TryGetValue(deviceId, out var device))
            {
                device = new PatrolDevice { DeviceId = deviceId, RegisteredAt = now };
                db.PatrolDevices.Add(device);
            }
            device.UnitId = unitId;
            device.TokenHash = hash;
        }
        AuditLog.Add(db, actor, AuditActions.PatrolDeviceRegistered, $"devices/{ids.Count}", new { first = ids[0], last = ids[^1], hasToken = true }, now);
        await db.SaveChangesAsync(ct);
        foreach (var id in ids) devices.Invalidate(id);
    }

    private static UnitView ViewOf(PatrolUnit u, IEnumerable<string> deviceIds) =>
        new(u.Id, u.Callsign, PatrolCodes.ToCode(u.Kind), PatrolCodes.ToCode(u.Duty), [.. deviceIds.Order(StringComparer.Ordinal)], u.Source);
}
