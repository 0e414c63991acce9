using System.Text.Json;
using CommandCenter.Web.Live;

namespace CommandCenter.Web.Features.Incidents;

// The open incidents a screen shows, kept in step with the stream: a snapshot at LastSeq,
// then events applied strictly in order. A gap means this board missed something: reload.
public sealed class IncidentBoard
{
    private readonly Dictionary<long, IncidentView> _open = [];
    private IReadOnlyList<IncidentView>? _sorted;

    public long LastSeq { get; private set; }
    public bool NeedsReload { get; private set; }
    public DateTimeOffset? LastEventAt { get; private set; }

    // The incident the last applied event was about; null after a (re)load.
    public IncidentView? LastChanged { get; private set; }

    public IReadOnlyList<IncidentView> Items => _sorted ??= [.. _open.Values
        .OrderBy(i => i.PriorityLevel)
        .ThenByDescending(i => i.ReportedAt)
        .ThenByDescending(i => i.Id)];

    public int Count => _open.Count;

    public void Load(IncidentSnapshot snapshot)
    {
        _open.Clear();
        foreach (var i in snapshot.Items) _open[i.Id] = i;
        LastSeq = snapshot.LastSeq;
        NeedsReload = false;
        LastChanged = null;
        _sorted = null;
    }

    public bool Apply(LiveEvent e)
    {
        if (e.Stream != LiveStreams.Incidents || e.Seq <= LastSeq) return false;
        if (e.Seq != LastSeq + 1)
        {
            NeedsReload = true;
            return false;
        }
        LastSeq = e.Seq;
        LastEventAt = e.At;
        LastChanged = null;
        if (e.Type is IncidentEvents.Created or IncidentEvents.Updated)
        {
            var incident = e.Payload.Deserialize<IncidentView>(LiveEventStore.Json)!;
            LastChanged = incident;
            if (incident.IsOpen) _open[incident.Id] = incident;
            else _open.Remove(incident.Id);
            _sorted = null;
        }
        return true;
    }
}
