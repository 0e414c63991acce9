using System.Diagnostics.Metrics;

namespace CommandCenter.Web.Infrastructure;

// Failed steps of the background loops, by service: each loop logs its failure, backs off and
// goes on; this counter is what an operator's dashboard alerts on. Meter "CommandCenter.Background".
public static class BackgroundFailures
{
    public const string MeterName = "CommandCenter.Background";
    public const string InstrumentName = "commandcenter.background.failures";

    private static readonly Meter Meter = new(MeterName);
    private static readonly Counter<long> Failures = Meter.CreateCounter<long>(InstrumentName, "{failure}", "Failed steps of background services; each is retried.");

    public static void Count(string service) => Failures.Add(1, new KeyValuePair<string, object?>("service", service));
}
