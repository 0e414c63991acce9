using CommandCenter.Domain.Patrols;
using NetTopologySuite.Geometries;

namespace CommandCenter.Web.Features.Patrols;

// An on-duty unit (a foot patrol, a community patrol team, a checkpoint, a vehicle). Units are
// created by an admin, never by a device reporting in.
public sealed class PatrolUnit
{
    public long Id { get; set; }
    public required string Callsign { get; set; }
    public UnitKind Kind { get; set; }
    public DutyStatus Duty { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    // Who created it (user:NAME, api:NAME, demo): the demo feed moves only units it created.
    public string? Source { get; set; }
}

// A registered tracker (a phone running Traccar Client, a vehicle box) reporting for one unit.
// The per-device token is optional and stored only as its SHA-256.
public sealed class PatrolDevice
{
    public required string DeviceId { get; set; }
    public long UnitId { get; set; }
    public string? TokenHash { get; set; }
    public DateTimeOffset RegisteredAt { get; set; }
}

// The latest fix of each unit, for the live map. Written only by PositionWriter's upsert, which
// never replaces a fix by an older one; Tx is the writing transaction's id, for PatrolLiveFeed.
public sealed class UnitPosition
{
    public long UnitId { get; set; }
    public DateTimeOffset FixTime { get; set; }
    public required Point Location { get; set; }
    public float? Speed { get; set; }
    public float? Heading { get; set; }
    public float? Accuracy { get; set; }
    public float? Altitude { get; set; }
    public float? Battery { get; set; }
    public DateTimeOffset ReceivedAt { get; set; }
    public long Tx { get; set; }
}

// A unit that went silent, once per last fix: the row is the system-wide "noticed" mark, so two
// instances (or one after a restart) notice a silence once, and a silence that began while every
// instance was down is noticed at the next sweep.
public sealed class UnitSilence
{
    public long UnitId { get; set; }
    public DateTimeOffset LastFixAt { get; set; }
    public DateTimeOffset NoticedAt { get; set; }
}
