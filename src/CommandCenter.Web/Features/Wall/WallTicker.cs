using CommandCenter.Web.Features.Incidents;

namespace CommandCenter.Web.Features.Wall;

// The newest incidents with their current status, at most Capacity of them: an event about an
// incident already shown updates it in place, a newer one pushes the oldest out. Items is an
// immutable array, safe to hand to a render while the next event is applied.
public sealed class WallTicker(int capacity)
{
    private IncidentView[] _items = [];

    public int Capacity { get; } = capacity;

    public IReadOnlyList<IncidentView> Items => _items;

    public void Reset(IEnumerable<IncidentView> incidents) => _items = Newest(incidents);

    public void Apply(IncidentView changed) =>
        _items = Newest(_items.Where(i => i.Id != changed.Id).Append(changed));

    private IncidentView[] Newest(IEnumerable<IncidentView> incidents) =>
        [.. incidents.OrderByDescending(i => i.ReportedAt).ThenByDescending(i => i.Id).Take(Capacity)];
}
