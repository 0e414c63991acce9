using System.Text.Json;
using CommandCenter.Domain.Linkage;
using CommandCenter.Web.Features.Linkage;

namespace CommandCenter.Tests.Features.Linkage;

public class DemoLinkageScriptTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 2, 10, 0, 0, TimeSpan.Zero);

    public static TheoryData<int> EverySample() => [.. Enumerable.Range(0, DemoLinkageScript.Samples.Count)];

    [Theory]
    [MemberData(nameof(EverySample))]
    public void Each_demo_alert_in_cap_reads_back_as_the_same_category_at_the_same_place(int index)
    {
        var sample = DemoLinkageScript.Samples[index];
        var xml = DemoLinkageScript.CapBody(sample, "DEMO-110-1", 30.2437, 120.1683, "上城区 <b>吴山</b>附近", Now);

        var parsed = CapParser.Parse(xml);

        Assert.True(parsed.IsValid, string.Join("; ", parsed.ToErrorDictionary().SelectMany(e => e.Value)));
        var info = parsed.Message.Infos[0];
        Assert.Equal(sample.Category, LinkageCategories.ToCode(CapMapping.CategoryOf(info)));
        var point = CapMapping.LocationOf(info.Areas).Point!.Value;
        Assert.Equal(30.2437, point.Latitude, 4);
        Assert.Equal(120.1683, point.Longitude, 4);
        Assert.Equal("上城区 <b>吴山</b>附近", CapMapping.LocationOf(info.Areas).Description);
        Assert.Equal(DemoLinkageScript.CapSender + "/DEMO-110-1", CapMapping.ExternalIdOf(parsed.Message));
    }

    [Theory]
    [MemberData(nameof(EverySample))]
    public void Each_demo_alert_in_json_passes_the_intakes_own_validation(int index)
    {
        var json = DemoLinkageScript.JsonBody(DemoLinkageScript.Samples[index], "DEMO-110-2", 30.2437, 120.1683, "上城区", Now);

        var errors = LinkageEndpoints.Validate(JsonSerializer.Deserialize<AlertJson>(json, JsonSerializerOptions.Web)!, out var intake);

        Assert.Empty(errors);
        Assert.Equal(DemoLinkageScript.Samples[index].Category, intake!.Category);
    }

    [Fact]
    public void Most_demo_alerts_are_answered_in_time_some_late_once_and_a_few_late_enough_for_supervision()
    {
        var paces = Enumerable.Range(1, 100).Select(i => DemoLinkageScript.PaceOf(i)).ToList();
        var limits = AlertLadder.LimitsFor("water", "medium", []);

        Assert.InRange(paces.Count(p => p == DemoLinkageScript.Prompt), 55, 75);
        Assert.Contains(DemoLinkageScript.Late, paces);
        Assert.Contains(DemoLinkageScript.Neglected, paces);
        // Prompt meets every limit; late misses the acknowledge limit only; neglected misses two.
        Assert.True(DemoLinkageScript.Prompt.Acknowledge < limits.Acknowledge && DemoLinkageScript.Prompt.Feedback < limits.Arrive);
        Assert.True(DemoLinkageScript.Late.Acknowledge > limits.Acknowledge && DemoLinkageScript.Late.Arrive < limits.Arrive);
        Assert.True(DemoLinkageScript.Neglected.Acknowledge > limits.Arrive);
    }

    [Theory]
    [InlineData(AlertState.Routed, 39, null)]
    [InlineData(AlertState.Routed, 40, AlertStep.Acknowledge)]
    [InlineData(AlertState.Acknowledged, 60, null)]
    [InlineData(AlertState.Acknowledged, 180, AlertStep.Arrive)]
    [InlineData(AlertState.OnScene, 360, AlertStep.Feedback)]
    [InlineData(AlertState.Done, 3600, null)]
    [InlineData(AlertState.Unrouted, 3600, null)]
    public void A_demo_operator_takes_the_next_step_once_its_time_has_come(AlertState state, int secondsSinceRouted, AlertStep? expected)
    {
        Assert.Equal(expected, DemoLinkageScript.NextStep(state, TimeSpan.FromSeconds(secondsSinceRouted), DemoLinkageScript.Prompt));
    }
}
