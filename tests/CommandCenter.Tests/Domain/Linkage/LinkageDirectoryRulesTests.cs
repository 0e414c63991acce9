using CommandCenter.Domain.Linkage;

namespace CommandCenter.Tests.Domain.Linkage;

public class LinkageDirectoryRulesTests
{
    private static readonly StepLimits Quick = new(TimeSpan.FromMinutes(3), TimeSpan.FromMinutes(20), TimeSpan.FromHours(12));

    private static LinkageUnitDraft Draft(IReadOnlyList<StepLimitRule>? limits = null, string? code = "water-nanxing", IReadOnlyList<string>? categories = null) =>
        new(code, "南星街道 供水抢修队", categories ?? ["water"], ["330102003"], "陈立", null, limits ?? []);

    [Fact]
    public void A_complete_entry_is_valid()
    {
        Assert.Empty(LinkageDirectoryRules.Validate(Draft([new("water", "critical", Quick)]), creating: true));
    }

    [Theory]
    [InlineData("Water Team")]
    [InlineData("x")]
    [InlineData(null)]
    public void A_new_unit_needs_a_code_an_operators_account_can_name(string? code)
    {
        Assert.Contains("code", LinkageDirectoryRules.Validate(Draft(code: code), creating: true).Keys);
        Assert.DoesNotContain("code", LinkageDirectoryRules.Validate(Draft(code: code), creating: false).Keys);
    }

    [Fact]
    public void Categories_must_come_from_the_catalogue_and_the_error_names_the_field()
    {
        var errors = LinkageDirectoryRules.Validate(Draft(categories: ["water", "sewage"]), creating: true);

        Assert.Contains("'sewage'", errors["categories"][0]);
        Assert.Contains("categories", LinkageDirectoryRules.Validate(Draft(categories: []), creating: true).Keys);
    }

    [Fact]
    public void A_limit_rule_must_keep_the_steps_in_order_and_name_the_rule_that_does_not()
    {
        var backwards = new StepLimits(TimeSpan.FromMinutes(30), TimeSpan.FromMinutes(5), TimeSpan.FromHours(1));
        var errors = LinkageDirectoryRules.Validate(Draft([new("water", null, Quick), new(null, "bogus", backwards)]), creating: true);

        Assert.Equal(["limits[1]", "limits[1].priority"], errors.Keys.Order());
    }

    [Fact]
    public void Two_rules_for_the_same_category_and_priority_are_refused()
    {
        Assert.Contains("limits", LinkageDirectoryRules.Validate(Draft([new("water", null, Quick), new("water", null, StepLimits.Default)]), creating: true).Keys);
    }

    [Fact]
    public void A_units_own_limits_come_before_the_centers_even_when_the_centers_rule_is_more_specific()
    {
        var center = new[] { new StepLimitRule("water", "high", StepLimits.Default) };
        var unit = new[] { new StepLimitRule("water", null, Quick) };

        Assert.Equal(Quick, AlertLadder.LimitsFor("water", "high", unit, center));
        Assert.Equal(StepLimits.Default, AlertLadder.LimitsFor("water", "high", [], center));
        // A unit rule for another category does not apply: the center's rule does.
        Assert.Equal(StepLimits.Default, AlertLadder.LimitsFor("water", "high", [new StepLimitRule("gas", null, Quick)], center));
    }
}
