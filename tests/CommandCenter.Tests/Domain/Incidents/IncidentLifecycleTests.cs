using CommandCenter.Domain.Incidents;

namespace CommandCenter.Tests.Domain.Incidents;

public class IncidentLifecycleTests
{
    [Fact]
    public void A_case_is_closed_only_after_it_was_resolved()
    {
        Assert.False(IncidentLifecycle.CanMove(IncidentStatus.Handling, IncidentStatus.Closed));
        Assert.Throws<InvalidOperationException>(() => IncidentLifecycle.Move(IncidentStatus.Reported, IncidentStatus.Closed));
        Assert.Equal(IncidentStatus.Closed, IncidentLifecycle.Move(IncidentStatus.Resolved, IncidentStatus.Closed));
    }

    [Fact]
    public void A_closed_case_stays_closed()
    {
        Assert.All(Enum.GetValues<IncidentStatus>(), s => Assert.False(IncidentLifecycle.CanMove(IncidentStatus.Closed, s)));
    }

    [Theory]
    [InlineData(IncidentStatus.Reported, true)]
    [InlineData(IncidentStatus.Handling, true)]
    [InlineData(IncidentStatus.Resolved, false)]
    [InlineData(IncidentStatus.Closed, false)]
    public void Open_means_not_yet_resolved(IncidentStatus status, bool open) =>
        Assert.Equal(open, IncidentLifecycle.IsOpen(status));

    [Fact]
    public void Every_type_has_a_distinct_code_that_parses_back()
    {
        var codes = Enum.GetValues<IncidentType>().Select(IncidentCodes.ToCode).ToList();

        Assert.Equal(codes.Count, codes.Distinct().Count());
        Assert.All(Enum.GetValues<IncidentType>(), t =>
        {
            Assert.True(IncidentCodes.TryParseType(IncidentCodes.ToCode(t), out var parsed));
            Assert.Equal(t, parsed);
        });
    }
}
