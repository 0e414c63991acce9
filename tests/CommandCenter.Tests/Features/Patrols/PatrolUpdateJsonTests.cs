using System.Text.Json;
using CommandCenter.Web.Features.Patrols;

namespace CommandCenter.Tests.Features.Patrols;

public class PatrolUpdateJsonTests
{
    // As SignalR's JSON protocol configures it.
    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);

    // To compare the text with readable callsigns.
    private static readonly JsonSerializerOptions Readable = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static readonly DateTimeOffset At = DateTimeOffset.FromUnixTimeMilliseconds(1_795_000_000_123);

    [Fact]
    public void A_unit_goes_on_the_wire_as_one_array_in_a_fixed_order()
    {
        var update = new PatrolUpdate(7, false, [new UnitMarkerView(42, "巡A01", "vehicle", "en_route", 30.245001, 120.18, 90, 8.5, At)]);

        var json = JsonSerializer.Serialize(update, Web);

        Assert.Equal("""{"seq":7,"snapshot":false,"units":[[42,"巡A01","vehicle","en_route",30.245001,120.18,90,8.5,1795000000123]]}""",
            JsonSerializer.Serialize(JsonDocument.Parse(json).RootElement, Readable));
    }

    [Fact]
    public void A_unit_without_heading_or_speed_reads_back_as_it_was_sent()
    {
        var update = new PatrolUpdate(3, true, [
            new UnitMarkerView(1, "巡B02", "street_patrol", "silent", 30.2, 120.1, null, null, At),
            new UnitMarkerView(2, "巡B03", "checkpoint", "available", 30.3, 120.2, 270, 0, At),
        ]);

        var back = JsonSerializer.Deserialize<PatrolUpdate>(JsonSerializer.Serialize(update, Web), Web)!;

        Assert.Equal((3L, true), (back.Seq, back.Snapshot));
        Assert.Equal(update.Units, back.Units);
    }
}
