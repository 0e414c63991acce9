namespace CommandCenter.Domain.Patrols;

public enum UnitKind
{
    StreetPatrol,
    CommunityPatrol,
    Checkpoint,
    Vehicle,
}

// What dispatch says a unit is doing. Silent is not a duty: it is what the map shows when a
// unit's fixes stopped, whatever its duty.
public enum DutyStatus
{
    Available,
    Assigned,
    EnRoute,
    OnScene,
}

public enum UnitStatus
{
    Available,
    Assigned,
    EnRoute,
    OnScene,
    Silent,
}

public static class PatrolCodes
{
    private static readonly Dictionary<UnitKind, string> Kinds = new()
    {
        [UnitKind.StreetPatrol] = "street_patrol",
        [UnitKind.CommunityPatrol] = "community_patrol",
        [UnitKind.Checkpoint] = "checkpoint",
        [UnitKind.Vehicle] = "vehicle",
    };

    private static readonly Dictionary<UnitStatus, string> Statuses = new()
    {
        [UnitStatus.Available] = "available",
        [UnitStatus.Assigned] = "assigned",
        [UnitStatus.EnRoute] = "en_route",
        [UnitStatus.OnScene] = "on_scene",
        [UnitStatus.Silent] = "silent",
    };

    public static IEnumerable<string> KindCodes => Kinds.Values;

    public static IEnumerable<string> DutyCodes => Statuses.Where(s => s.Key != UnitStatus.Silent).Select(s => s.Value);

    public static string ToCode(UnitKind kind) => Kinds[kind];

    public static string ToCode(UnitStatus status) => Statuses[status];

    public static string ToCode(DutyStatus duty) => Statuses[ToStatus(duty)];

    public static bool TryParseKind(string? code, out UnitKind kind) => TryParse(Kinds, code, out kind);

    public static bool TryParseStatus(string? code, out UnitStatus status) => TryParse(Statuses, code, out status);

    public static bool TryParseDuty(string? code, out DutyStatus duty)
    {
        var parsed = TryParse(Statuses, code, out var status) && status != UnitStatus.Silent;
        duty = parsed ? (DutyStatus)(int)status : default;
        return parsed;
    }

    // The code ("en_route") or the enum name ("EnRoute"), in any case.
    private static bool TryParse<T>(Dictionary<T, string> codes, string? code, out T value)
        where T : struct, Enum
    {
        foreach (var (v, c) in codes)
        {
            if (string.Equals(c, code, StringComparison.OrdinalIgnoreCase) || string.Equals(v.ToString(), code, StringComparison.OrdinalIgnoreCase))
            {
                value = v;
                return true;
            }
        }
        value = default;
        return false;
    }

    public static UnitStatus ToStatus(DutyStatus duty) => (UnitStatus)(int)duty;
}

public static class UnitStatusRules
{
    // A unit with no fix for longer than staleAfter is silent, whatever dispatch thinks it is doing.
    public static bool IsSilent(DateTimeOffset? lastFixAt, DateTimeOffset now, TimeSpan staleAfter) =>
        lastFixAt is null || now - lastFixAt.Value > staleAfter;

    public static UnitStatus Of(DutyStatus duty, DateTimeOffset? lastFixAt, DateTimeOffset now, TimeSpan staleAfter) =>
        IsSilent(lastFixAt, now, staleAfter) ? UnitStatus.Silent : PatrolCodes.ToStatus(duty);
}
