using CommandCenter.Domain.Dispatch;
using CommandCenter.Domain.Incidents;

namespace CommandCenter.Tests.Domain.Dispatch;

public class CallsTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 2, 8, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData("13812345678", "138****5678")]
    [InlineData("+8613812345678", "+86*******5678")]
    [InlineData("87654321", "****4321")]
    [InlineData("110", "***")]
    [InlineData("", "")]
    [InlineData(null, "")]
    public void A_callback_number_is_masked_so_a_list_tells_callers_apart_but_cannot_call_them(string? number, string masked) =>
        Assert.Equal(masked, CallRules.Mask(number));

    [Theory]
    [InlineData("138 1234-5678", null)]
    [InlineData("+86 (571) 8888 0000", null)]
    [InlineData("110", null)]
    [InlineData("12", "callbackNumber must have 3 to 20 digits.")]
    [InlineData("138abc", "callbackNumber may hold only digits, spaces and + - ( ).")]
    [InlineData("<b>1</b>", "callbackNumber may hold only digits, spaces and + - ( ).")]
    public void A_callback_number_is_digits_with_the_separators_people_type(string number, string? why) =>
        Assert.Equal(why, CallRules.WhyNotCallback(number));

    [Fact]
    public void A_callback_number_is_stored_without_its_separators() =>
        Assert.Equal("+8613812345678", CallRules.Normalize("+86 138-1234 5678"));

    private static OpenIncidentNearby Open(long id, IncidentType type, double metersNorth, int minutesAgo, IncidentStatus status = IncidentStatus.Reported) =>
        new(id, type, status, 30.25 + metersNorth / 111_195, 120.17, Now.AddMinutes(-minutesAgo));

    [Fact]
    public void Duplicates_are_open_incidents_of_the_same_type_nearby_and_recent_nearest_first()
    {
        var candidates = new[]
        {
            Open(1, IncidentType.Fire, 250, 5),
            Open(2, IncidentType.Fire, 40, 20),
            Open(3, IncidentType.Fire, 400, 1),                          // too far
            Open(4, IncidentType.Fire, 10, 45),                          // too old
            Open(5, IncidentType.Fight, 10, 1),                          // another kind of trouble
            Open(6, IncidentType.Fire, 10, 1, IncidentStatus.Resolved),  // already over
        };

        var found = DuplicateRules.Find(IncidentType.Fire, 30.25, 120.17, Now, candidates, new DuplicateOptions());

        Assert.Equal([2, 1], found.Select(f => f.Id));
        Assert.InRange(found[0].DistanceMeters, 39, 41);
        Assert.Equal(TimeSpan.FromMinutes(20), found[0].Age);
    }

    [Fact]
    public void The_duplicate_distance_and_window_are_settings()
    {
        var wide = new DuplicateOptions { DistanceMeters = 500, Window = TimeSpan.FromHours(1) };

        var found = DuplicateRules.Find(IncidentType.Fire, 30.25, 120.17, Now, [Open(3, IncidentType.Fire, 400, 1), Open(4, IncidentType.Fire, 10, 45)], wide);

        Assert.Equal([4, 3], found.Select(f => f.Id));
    }
}
