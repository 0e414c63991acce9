using System.Diagnostics.Metrics;

namespace CommandCenter.Web.Features.Patrols;

// Fix counts by protocol and outcome (stored, duplicate, rejected with the field, unknown device,
// unauthorized), and how the writer batches. Meter "CommandCenter.Patrols".
public sealed class PatrolMetrics
{
    public const string MeterName = "CommandCenter.Patrols";
    public const string FixesInstrument = "commandcenter.patrol.fixes";

    private readonly Counter<long> _fixes;
    private readonly Histogram<int> _writeBatch;
    private readonly Histogram<double> _writeDuration;
    private readonly Counter<long> _repeated;
    private readonly Counter<long> _refused;

    public PatrolMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        _fixes = meter.CreateCounter<long>(FixesInstrument, "{fix}", "Position fixes received, by protocol and outcome.");
        _writeBatch = meter.CreateHistogram<int>("commandcenter.patrol.write.batch_size", "{fix}", "Fixes per COPY + commit.");
        _writeDuration = meter.CreateHistogram<double>("commandcenter.patrol.write.duration", "s", "Time to COPY and commit one batch.");
        _repeated = meter.CreateCounter<long>("commandcenter.patrol.write.repeats", "{batch}",
            "Write groups that held an already stored fix, so went the slower, idempotent way.");
        _refused = meter.CreateCounter<long>("commandcenter.patrol.queue.refused", "{fix}", "Fixes refused with 503: the queue was full or the instance was stopping.");
    }

    public void Fixes(string protocol, string outcome, long count = 1, string? reason = null)
    {
        if (count <= 0) return;
        _fixes.Add(count,
            new KeyValuePair<string, object?>("protocol", protocol),
            new KeyValuePair<string, object?>("outcome", outcome),
            new KeyValuePair<string, object?>("reason", reason));
    }

    public void Repeated() => _repeated.Add(1);

    public void Refused(int fixes) => _refused.Add(fixes);

    public void Written(int fixes, TimeSpan duration)
    {
        _writeBatch.Record(fixes);
        _writeDuration.Record(duration.TotalSeconds);
    }
}
