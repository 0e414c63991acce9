using CommandCenter.Domain.Patrols;

namespace CommandCenter.Tests.Domain.Patrols;

public class UnitRosterTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 27, 10, 0, 0, TimeSpan.Zero);

    internal static UnitMarker Unit(long id, string callsign, UnitStatus status = UnitStatus.Available, UnitKind kind = UnitKind.StreetPatrol, string? subdistrict = "330102001") =>
        new(id, callsign, kind, status, 30.25, 120.17, 90, 1.2, T0.AddSeconds(id), subdistrict);

    private static readonly UnitMarker[] Fleet =
    [
        Unit(1, "巡03"),
        Unit(2, "巡01", UnitStatus.Silent),
        Unit(3, "车01", UnitStatus.EnRoute, UnitKind.Vehicle, "330102002"),
        Unit(4, "巡02", UnitStatus.OnScene),
        Unit(5, "卡01", UnitStatus.Assigned, UnitKind.Checkpoint, null),
    ];

    [Fact]
    public void Silent_units_come_first_then_the_busy_ones_then_the_available_by_callsign()
    {
        var rows = UnitRoster.Select(Fleet, new UnitRosterFilter());

        Assert.Equal(["巡01", "巡02", "车01", "卡01", "巡03"], rows.Select(u => u.Callsign));
    }

    [Fact]
    public void Filters_by_kind_status_and_subdistrict_combine()
    {
        Assert.Equal([3L], UnitRoster.Select(Fleet, new UnitRosterFilter(Kind: UnitKind.Vehicle)).Select(u => u.Id));
        Assert.Equal([2L], UnitRoster.Select(Fleet, new UnitRosterFilter(Status: UnitStatus.Silent)).Select(u => u.Id));
        Assert.Equal([2L, 4L, 1L], UnitRoster.Select(Fleet, new UnitRosterFilter(SubdistrictCode: "330102001")).Select(u => u.Id));
        Assert.Empty(UnitRoster.Select(Fleet, new UnitRosterFilter(UnitKind.Vehicle, SubdistrictCode: "330102001")));
    }

    [Fact]
    public void The_busy_shortcut_keeps_assigned_en_route_and_on_scene_units()
    {
        var rows = UnitRoster.Select(Fleet, new UnitRosterFilter { BusyOnly = true });

        Assert.Equal([4L, 3L, 5L], rows.Select(u => u.Id));
    }

    [Fact]
    public void The_summary_counts_available_busy_and_silent_units()
    {
        Assert.Equal(new UnitRosterSummary(1, 3, 1), UnitRoster.Summarize(Fleet));
        Assert.Equal(5, UnitRoster.Summarize(Fleet).Total);
    }
}
