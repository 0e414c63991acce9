using CommandCenter.Domain.Plans;

namespace CommandCenter.Tests.Domain.Plans;

public class PlanParserTests
{
    private static readonly IReadOnlySet<string> Roles = new HashSet<string> { "Admin", "DutyOfficer", "Dispatcher", "Leader" };

    private static string RepoPlans()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "CommandCenter.sln"))) dir = dir.Parent;
        return Path.Combine(dir!.FullName, "src", "CommandCenter.Web", "Plans");
    }

    private static IEnumerable<string> PlanFiles() => Directory.GetFiles(RepoPlans(), "*.yaml").Select(f => Path.GetFileName(f));

    public static TheoryData<string> DemoPlans() => [.. PlanFiles()];

    [Theory]
    [MemberData(nameof(DemoPlans))]
    public void Every_demo_plan_in_the_repository_is_valid_and_its_grave_levels_need_a_leader(string file)
    {
        var result = PlanParser.Parse(File.ReadAllText(Path.Combine(RepoPlans(), file)), Roles);

        Assert.True(result.IsValid, string.Join("; ", result.Errors.Select(e => $"{e.Key}: {string.Join(' ', e.Value)}")));
        Assert.Equal(Path.GetFileNameWithoutExtension(file), result.Plan!.Code);
        Assert.All(result.Plan.Levels.Where(l => l.Level <= ResponseLevel.II), l => Assert.NotEmpty(l.Approval.Leaders));
    }

    [Fact]
    public void The_five_demo_plans_are_there()
    {
        Assert.Equal(["building-fire.yaml", "flood.yaml", "gas-leak.yaml", "mass-gathering.yaml", "water-supply.yaml"],
            PlanFiles().Order(StringComparer.Ordinal));
    }

    [Fact]
    public void A_plan_is_read_with_its_levels_tasks_deadlines_and_rules()
    {
        var plan = PlanParser.Parse("""
            code: test-plan
            version: 2
            name: 测试预案
            incidentTypes: [fire]
            levels:
              - level: II
                approval: { leaders: [leader, leader2], timeout: 5m }
                tasks:
                  - { code: post, title: 开设现场指挥部, ownerRole: Leader, due: 20m, critical: true }
              - level: IV
                entry:
                  - { kind: cluster, count: 3, minutes: 30, meters: 0 }
                tasks:
                  - { code: look, title: 巡查, ownerRole: Dispatcher, due: 1.5h }
            """, Roles).Plan!;

        Assert.Equal([ResponseLevel.IV, ResponseLevel.II], plan.Levels.Select(l => l.Level));
        var four = plan.LevelOf(ResponseLevel.IV)!;
        Assert.Equal(TimeSpan.FromMinutes(90), four.Tasks[0].Due);
        Assert.Equal(new EntryRule("cluster", null, 3, 30, 0), four.Entry[0]);
        var two = plan.LevelOf(ResponseLevel.II)!;
        Assert.True(two.Tasks[0].Critical);
        Assert.Equal(["leader", "leader2"], two.Approval.Leaders);
        Assert.Equal(TimeSpan.FromMinutes(5), two.Approval.Timeout);
    }

    [Fact]
    public void Every_problem_is_reported_at_once_under_the_path_of_its_field()
    {
        var result = PlanParser.Parse("""
            code: Bad Code
            version: 0
            name: ""
            incidentTypes: [fire, volcano]
            levels:
              - level: II
                tasks:
                  - { code: t1, title: 任务, ownerRole: Janitor, due: soon }
              - level: V
              - level: IV
                entry:
                  - { kind: weather }
                  - { kind: cluster, count: 1, minutes: 30 }
            """, Roles);

        Assert.False(result.IsValid);
        Assert.Equal(
            ["code", "incidentTypes[1]", "levels[0].approval.leaders", "levels[0].tasks[0].due", "levels[0].tasks[0].ownerRole", "levels[1].level",
             "levels[2].entry[0].kind", "levels[2].entry[1]", "name", "version"],
            result.Errors.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Broken_yaml_says_where_and_a_field_the_format_does_not_have_is_not_ignored()
    {
        var broken = PlanParser.Parse("code: x\nlevels: [\n", Roles);
        var unknown = PlanParser.Parse("code: flood\nversion: 1\nname: 防汛\nlevles: []\n", Roles);

        Assert.Contains("Line", broken.Errors[""][0]);
        Assert.False(unknown.IsValid);
        Assert.Contains("levles", unknown.Errors[""][0]);
    }

    [Fact]
    public void A_tag_cannot_make_the_reader_build_a_type_of_the_documents_choosing()
    {
        var result = PlanParser.Parse("!!python/object:os.system\ncode: x\n", Roles);

        Assert.False(result.IsValid);
    }

    [Theory]
    [InlineData("30m", 30 * 60)]
    [InlineData("2h", 2 * 3600)]
    [InlineData("1d", 86400)]
    [InlineData("90s", 90)]
    [InlineData("00:45:00", 45 * 60)]
    public void Durations_read_as_a_person_writes_them(string text, int seconds)
    {
        Assert.True(PlanParser.TryDuration(text, out var value));
        Assert.Equal(TimeSpan.FromSeconds(seconds), value);
    }
}
