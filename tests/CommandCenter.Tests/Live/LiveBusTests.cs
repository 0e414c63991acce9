using System.Globalization;
using System.Text.Json;
using CommandCenter.Web.Live;
using Microsoft.Extensions.Logging.Abstractions;

namespace CommandCenter.Tests.Live;

public class LiveBusTests
{
    private static LiveEvent Event(string stream, long seq) => new(stream, seq, "t", JsonDocument.Parse("{}").RootElement, DateTimeOffset.UnixEpoch);

    [Fact]
    public async Task A_subscriber_hears_its_stream_in_its_own_culture_whoever_publishes()
    {
        var bus = new LiveBus(NullLogger<LiveBus>.Instance);
        string? seenCulture = null;
        CultureInfo.CurrentUICulture = new CultureInfo("zh-CN");
        using var _ = bus.Subscribe(LiveStreams.Incidents, _ => seenCulture = CultureInfo.CurrentUICulture.Name);

        await Task.Run(() =>
        {
            CultureInfo.CurrentUICulture = CultureInfo.InvariantCulture;
            bus.Publish(Event(LiveStreams.Incidents, 1));
        }, TestContext.Current.CancellationToken);

        Assert.Equal("zh-CN", seenCulture);
    }

    [Fact]
    public void A_subscriber_does_not_hear_other_streams_or_after_it_unsubscribed()
    {
        var bus = new LiveBus(NullLogger<LiveBus>.Instance);
        var heard = new List<long>();
        var subscription = bus.Subscribe(LiveStreams.Incidents, e => heard.Add(e.Seq));

        bus.Publish(Event("other", 1));
        bus.Publish(Event(LiveStreams.Incidents, 2));
        subscription.Dispose();
        bus.Publish(Event(LiveStreams.Incidents, 3));

        Assert.Equal([2L], heard);
        Assert.Equal(3, bus.LastSeq(LiveStreams.Incidents));
    }

    [Fact]
    public void One_failing_subscriber_does_not_stop_the_others()
    {
        var bus = new LiveBus(NullLogger<LiveBus>.Instance);
        var heard = 0;
        using var a = bus.Subscribe(null, _ => throw new InvalidOperationException("broken"));
        using var b = bus.Subscribe(null, _ => heard++);

        bus.Publish(Event(LiveStreams.Incidents, 1));

        Assert.Equal(1, heard);
    }
}
