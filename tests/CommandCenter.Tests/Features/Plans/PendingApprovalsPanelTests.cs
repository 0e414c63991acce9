using System.Security.Claims;
using Bunit;
using CommandCenter.Domain.Dispatch;
using CommandCenter.Domain.Plans;
using CommandCenter.Web.Features.Access;
using CommandCenter.Web.Features.Plans;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.Extensions.DependencyInjection;

namespace CommandCenter.Tests.Features.Plans;

internal sealed class FakePlanDesk : IPlanDesk
{
    public List<PlanRunView> Pending { get; } = [];
    public List<string> Commands { get; } = [];
    public Refusal? Refuse { get; set; }
    private Action? _changed;

    public Task<IReadOnlyList<PlanRunView>> PendingApprovalsAsync(CancellationToken ct = default) => Task.FromResult<IReadOnlyList<PlanRunView>>([.. Pending]);

    public Task ApproveAsync(ClaimsPrincipal user, long runId, Actor actor, CancellationToken ct = default) => Run($"approve {runId}");

    public Task RejectAsync(ClaimsPrincipal user, long runId, string reason, Actor actor, CancellationToken ct = default) => Run($"reject {runId} {reason}");

    public List<PlanRunView> Runs { get; } = [];

    public Task<IReadOnlyList<PlanRunView>> ForIncidentAsync(long incidentId, CancellationToken ct = default) =>
        Task.FromResult<IReadOnlyList<PlanRunView>>([.. Runs.Where(r => r.IncidentId == incidentId)]);

    public Task<IReadOnlyList<(string Code, string Name)>> PlansAsync(CancellationToken ct = default) =>
        Task.FromResult<IReadOnlyList<(string Code, string Name)>>([("flood", "城市内涝防汛应急预案"), ("gas-leak", "燃气泄漏应急预案")]);

    public Task StartAsync(ClaimsPrincipal user, long incidentId, string planCode, ResponseLevel level, string? reason, Actor actor, CancellationToken ct = default) =>
        Run($"start {incidentId} {planCode} {level}");

    public Task ChangeLevelAsync(ClaimsPrincipal user, long runId, ResponseLevel level, string reason, bool graver, Actor actor, CancellationToken ct = default) =>
        Run($"{(graver ? "escalate" : "deescalate")} {runId} {level} {reason}");

    public Task TerminateAsync(ClaimsPrincipal user, long runId, string reason, Actor actor, CancellationToken ct = default) => Run($"terminate {runId} {reason}");

    public Task CompleteTaskAsync(long taskId, Actor actor, CancellationToken ct = default) => Run($"done {taskId}");

    public IDisposable OnChanged(Action changed)
    {
        _changed = changed;
        return new Off(() => _changed = null);
    }

    public void Change() => _changed?.Invoke();

    private Task Run(string command)
    {
        Commands.Add(command);
        if (Refuse is { } r) throw new PlanRefusedException(r, 403);
        Pending.Clear();
        return Task.CompletedTask;
    }

    private sealed class Off(Action off) : IDisposable
    {
        public void Dispose() => off();
    }
}

public class PendingApprovalsPanelTests : ComponentTestContext
{
    private static readonly DateTimeOffset Now = new(2026, 12, 2, 2, 0, 0, TimeSpan.Zero);

    public PendingApprovalsPanelTests() : base(services: s =>
    {
        s.AddSingleton<IPlanDesk>(new FakePlanDesk());
        s.AddSingleton<AuthenticationStateProvider>(new Leader());
        s.AddCascadingAuthenticationState();
    })
    {
    }

    private sealed class Leader : AuthenticationStateProvider
    {
        public override Task<AuthenticationState> GetAuthenticationStateAsync() =>
            Task.FromResult(new AuthenticationState(new ClaimsPrincipal(new ClaimsIdentity(
                [new Claim(ClaimTypes.Name, "leader"), new Claim(ClaimTypes.Role, Roles.Leader)], "test"))));
    }

    private FakePlanDesk Desk => (FakePlanDesk)Services.GetRequiredService<IPlanDesk>();

    private static PlanRunView Pending(long id, string level, string reason = "积水漫入地下车库") =>
        new(id, 40 + id, "flood", 1, "城市内涝防汛应急预案", "Awaiting", "III", level, reason, "leader", Now.AddMinutes(10), Now, []);

    [Fact]
    public void A_pending_escalation_shows_its_level_colour_reason_and_incident_and_one_tap_approves()
    {
        Desk.Pending.Add(Pending(7, "II"));

        var cut = Render<PendingApprovalsPanel>();

        var card = cut.Find("[data-run-id='7']");
        Assert.Contains("cc-level-orange", card.ClassName);
        Assert.Contains("Ⅱ级（重大）", card.TextContent);
        Assert.Equal("积水漫入地下车库", cut.Find("[data-testid=approval-reason]").TextContent);
        Assert.Equal("/incidents/47/room", card.QuerySelector("a")!.GetAttribute("href"));
        cut.Find("[data-testid=approve]").Click();

        Assert.Equal(["approve 7"], Desk.Commands);
        Assert.NotNull(cut.Find("[data-testid=no-pending]"));
    }

    [Fact]
    public void Rejecting_needs_a_reason_and_a_refusal_is_explained_in_chinese()
    {
        Desk.Pending.Add(Pending(8, "I"));
        Desk.Refuse = PlanRun.NotALeader;
        var cut = Render<PendingApprovalsPanel>();

        Assert.True(cut.Find("[data-testid=reject]").HasAttribute("disabled"));
        cut.Find("[data-testid=reject-reason]").Input("现场已控制，维持Ⅲ级");
        cut.Find("[data-testid=reject]").Click();

        Assert.Equal(["reject 8 现场已控制，维持Ⅲ级"], Desk.Commands);
        Assert.Equal("只有领导可以批准或驳回启动该级响应。", cut.Find("[data-testid=plan-error]").TextContent);
    }

    [Fact]
    public void A_new_request_appears_live_and_its_reason_is_text()
    {
        var cut = Render<PendingApprovalsPanel>();
        Assert.NotNull(cut.Find("[data-testid=no-pending]"));

        Desk.Pending.Add(Pending(9, "II", "<img src=x onerror=alert(1)>"));
        Desk.Change();

        cut.WaitForAssertion(() => Assert.Equal("<img src=x onerror=alert(1)>", cut.Find("[data-run-id='9'] [data-testid=approval-reason]").TextContent));
        Assert.Empty(cut.FindAll("img"));
    }
}
