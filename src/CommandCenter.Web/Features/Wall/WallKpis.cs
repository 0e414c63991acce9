using CommandCenter.Web.Features.Incidents;

namespace CommandCenter.Web.Features.Wall;

// Counts that are not on the board (it holds open incidents only): read from the database.
public sealed record WallCounts(int ReportedLastHour, int ResolvedToday);

// The time windows the wall counts in: the last hour, and the center's calendar day.
public sealed record WallWindows(DateTimeOffset HourAgo, DateTimeOffset StartOfDay)
{
    public static WallWindows At(DateTimeOffset now, TimeZoneInfo centerZone)
    {
        var local = TimeZoneInfo.ConvertTime(now, centerZone);
        var midnight = local.Date;
        // The zone's offset at its own midnight (it may differ from now's across a DST change).
        var startOfDay = new DateTimeOffset(midnight, centerZone.GetUtcOffset(midnight));
        return new WallWindows(now.AddHours(-1), startOfDay.ToUniversalTime());
    }
}

// The KPI tiles that exist today. Null means "not known yet" (the board has not loaded, the
// counts are still loading or the database did not answer): the tile shows a dash, never a
// made-up zero.
public sealed record WallKpis(int? Open, int? Critical, int? High, int? Medium, int? Low, int? NewLastHour, int? ResolvedToday)
{
    public static readonly WallKpis Unknown = new(null, null, null, null, null, null, null);

    public static WallKpis From(IReadOnlyCollection<IncidentView>? open, WallCounts? counts)
    {
        if (open is null) return Unknown with { NewLastHour = counts?.ReportedLastHour, ResolvedToday = counts?.ResolvedToday };
        int critical = 0, high = 0, medium = 0, low = 0;
        foreach (var incident in open)
        {
            switch (incident.Priority)
            {
                case "critical": critical++; break;
                case "high": high++; break;
                case "medium": medium++; break;
                case "low": low++; break;
            }
        }
        return new WallKpis(open.Count, critical, high, medium, low, counts?.ReportedLastHour, counts?.ResolvedToday);
    }
}
