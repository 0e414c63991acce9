using CommandCenter.Web.Features.Incidents;
using CommandCenter.Web.Features.Linkage;

namespace CommandCenter.Web.Features.Wall;

public enum AlertTickerKind { New, Overdue }

// A linkage alert's line on the wall's ticker: when it arrived, and when it went overdue.
public sealed record AlertTickerEntry(AlertTickerKind Kind, DateTimeOffset At, AlertMapItem Alert)
{
    public string Key => $"a{Alert.Id}-{(Kind == AlertTickerKind.New ? "new" : "overdue")}";

    // Derived from the open alerts, not kept per event: a wall that reloads shows the same lines.
    public static IReadOnlyList<AlertTickerEntry> From(IEnumerable<AlertMapItem> alerts, int max) =>
        [.. alerts.SelectMany(a => a.OverdueSince is { } since
                ? new[] { new AlertTickerEntry(AlertTickerKind.New, a.ReceivedAt, a), new AlertTickerEntry(AlertTickerKind.Overdue, since, a) }
                : [new AlertTickerEntry(AlertTickerKind.New, a.ReceivedAt, a)])
            .OrderByDescending(e => e.At).ThenByDescending(e => e.Alert.Id).Take(max)];
}

// One ticker line: an incident or a linkage alert's entry.
public sealed record TickerRow(DateTimeOffset At, IncidentView? Incident, AlertTickerEntry? Alert)
{
    public string Key => Incident is { } i ? $"i{i.Id}" : Alert!.Key;

    // Newest first, at most max lines (all of them when max is null).
    public static IReadOnlyList<TickerRow> Merge(IEnumerable<IncidentView> incidents, IEnumerable<AlertTickerEntry> alerts, int? max) =>
        [.. incidents.Select(i => new TickerRow(i.ReportedAt, i, null))
            .Concat(alerts.Select(a => new TickerRow(a.At, null, a)))
            .OrderByDescending(r => r.At)
            .Take(max ?? int.MaxValue)];
}
