using CommandCenter.Domain.Incidents;
using CommandCenter.Domain.Plans;

namespace CommandCenter.Tests.Domain.Plans;

public class PlanRulesTests
{
    private static readonly PlanDocument Plan = PlanParser.Parse("""
        code: flood
        version: 1
        name: 防汛
        incidentTypes: [public_utility]
        levels:
          - level: IV
            entry:
              - { kind: priority, priority: high }
              - { kind: cluster, count: 3, minutes: 60, meters: 0 }
          - level: III
            entry:
              - { kind: cluster, count: 6, minutes: 60, meters: 1500 }
              - { kind: linkage_supervised, count: 2 }
          - level: II
            entry:
              - { kind: casualties, count: 1 }
              - { kind: task_overdue }
            approval: { leaders: [leader] }
        """, new HashSet<string> { "Leader" }).Plan!;

    private static EntryRule Rule(string kind, int meters = 0) =>
        Plan.Levels.SelectMany(l => l.Entry).First(r => r.Kind == kind && (kind != EntryRuleKinds.Cluster || r.Meters == meters));

    private static IncidentFacts Facts(IncidentPriority priority = IncidentPriority.Low, int casualties = 0, int overdue = 0, params (EntryRule Rule, int N)[] area) =>
        new(priority, casualties, overdue, area.ToDictionary(a => a.Rule, a => a.N));

    private static PlanRun ActiveAt(ResponseLevel level) => new(PlanRunState.Active, level, null, []);

    [Fact]
    public void Nothing_met_proposes_nothing()
    {
        Assert.Null(PlanRules.Propose(Plan, PlanRun.New, Facts()));
    }

    [Fact]
    public void A_high_priority_incident_proposes_level_four_and_a_medium_one_does_not()
    {
        Assert.Equal(ResponseLevel.IV, PlanRules.Propose(Plan, PlanRun.New, Facts(IncidentPriority.High))?.Level);
        Assert.Equal(ResponseLevel.IV, PlanRules.Propose(Plan, PlanRun.New, Facts(IncidentPriority.Critical))?.Level);
        Assert.Null(PlanRules.Propose(Plan, PlanRun.New, Facts(IncidentPriority.Medium)));
    }

    [Fact]
    public void The_gravest_level_met_wins_and_its_reason_says_what_was_found()
    {
        var proposal = PlanRules.Propose(Plan, PlanRun.New, Facts(IncidentPriority.High, casualties: 2));

        Assert.Equal(ResponseLevel.II, proposal!.Level);
        Assert.Contains("伤亡2人", proposal.Reason);
        Assert.Contains("Ⅱ级", proposal.Reason);
    }

    [Fact]
    public void A_cluster_counts_only_when_it_reaches_the_rules_count()
    {
        var nearby = Rule(EntryRuleKinds.Cluster, meters: 1500);

        Assert.Null(PlanRules.Propose(Plan, ActiveAt(ResponseLevel.IV), Facts(area: (nearby, 5))));
        var six = PlanRules.Propose(Plan, ActiveAt(ResponseLevel.IV), Facts(area: (nearby, 6)));
        Assert.Equal(ResponseLevel.III, six!.Level);
        Assert.Contains("1500米范围内同类警情6起", six.Reason);
    }

    [Fact]
    public void A_community_cluster_says_one_community()
    {
        var proposal = PlanRules.Propose(Plan, PlanRun.New, Facts(area: (Rule(EntryRuleKinds.Cluster, meters: 0), 3)));

        Assert.Equal(ResponseLevel.IV, proposal!.Level);
        Assert.Contains("同一社区同类警情3起", proposal.Reason);
    }

    [Fact]
    public void Supervised_linkage_alerts_around_propose_their_level()
    {
        var proposal = PlanRules.Propose(Plan, ActiveAt(ResponseLevel.IV), Facts(area: (Rule(EntryRuleKinds.LinkageSupervised), 2)));

        Assert.Equal(ResponseLevel.III, proposal!.Level);
        Assert.Contains("2条联动警情已督办", proposal.Reason);
    }

    [Fact]
    public void An_overdue_task_escalates_a_level_in_force_but_proposes_nothing_for_a_plan_not_running()
    {
        Assert.Equal(ResponseLevel.II, PlanRules.Propose(Plan, ActiveAt(ResponseLevel.III), Facts(overdue: 1))?.Level);
        Assert.Null(PlanRules.Propose(Plan, PlanRun.New, Facts(overdue: 1)));
    }

    [Fact]
    public void A_level_already_in_force_or_lighter_is_not_proposed_again()
    {
        Assert.Null(PlanRules.Propose(Plan, ActiveAt(ResponseLevel.IV), Facts(IncidentPriority.Critical)));
        Assert.Null(PlanRules.Propose(Plan, ActiveAt(ResponseLevel.II), Facts(area: (Rule(EntryRuleKinds.Cluster, meters: 1500), 20))));
    }

    [Fact]
    public void A_run_awaiting_a_leaders_answer_or_ended_gets_no_new_proposal()
    {
        var awaiting = new PlanRun(PlanRunState.Awaiting, ResponseLevel.III, ResponseLevel.II, ["leader"]);
        var ended = new PlanRun(PlanRunState.Terminated, ResponseLevel.III, null, []);

        Assert.Null(PlanRules.Propose(Plan, awaiting, Facts(casualties: 5)));
        Assert.Null(PlanRules.Propose(Plan, ended, Facts(casualties: 5)));
    }
}
