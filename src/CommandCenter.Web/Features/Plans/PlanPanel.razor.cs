using CommandCenter.Domain.Plans;
using CommandCenter.Web.Features.Access;
using CommandCenter.Web.Features.Dispatch;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;

namespace CommandCenter.Web.Features.Plans;

public sealed partial class PlanPanel : IDisposable
{
    private readonly Dictionary<long, string?> _reasons = [];
    private readonly Dictionary<long, string> _levels = [];
    private IReadOnlyList<PlanRunView> _runs = [];
    private IReadOnlyList<(string Code, string Name)> _plans = [];
    private IDisposable? _subscription;
    private System.Security.Claims.ClaimsPrincipal _user = new();
    private Actor _me = Actor.System("anonymous");
    private string? _error;
    private string _startPlan = "";
    private ResponseLevel _startLevel = ResponseLevel.IV;
    private bool _busy;

    [Parameter, EditorRequired] public long IncidentId { get; set; }

    // The incident's plan lines (requests, approvals, levels in force, ends), oldest first.
    [Parameter] public IReadOnlyList<Incidents.TimelineEntry> History { get; set; } = [];

    [CascadingParameter] private Task<AuthenticationState> AuthenticationState { get; set; } = default!;

    [CascadingParameter(Name = ClientAddress.CascadeName)] private ClientAddress? Client { get; set; }

    private bool Ready => RendererInfo.IsInteractive && !_busy;

    // The wall display and responders watch; the desks and leaders act.
    private bool CanCommand => _user.IsInRole(Roles.Admin) || _user.IsInRole(Roles.DutyOfficer) || _user.IsInRole(Roles.Dispatcher) || _user.IsInRole(Roles.Leader);

    private static ResponseLevel Level(string? code) => ResponseLevels.TryParse(code, out var level) ? level : ResponseLevel.IV;

    protected override async Task OnInitializedAsync()
    {
        _user = (await AuthenticationState).User;
        _me = Actor.From(_user, Client?.Value);
        _subscription = Desk.OnChanged(() => _ = InvokeAsync(async () =>
        {
            _runs = await Desk.ForIncidentAsync(IncidentId);
            StateHasChanged();
        }));
        _runs = await Desk.ForIncidentAsync(IncidentId);
        if (CanCommand) _plans = await Desk.PlansAsync();
    }

    private Task StartAsync() => Run(() => Desk.StartAsync(_user, IncidentId, _startPlan, _startLevel, null, _me));

    private Task ChangeLevel(PlanRunView run)
    {
        if (!ResponseLevels.TryParse(_levels.GetValueOrDefault(run.Id), out var level)) return Task.CompletedTask;
        var graver = ResponseLevels.IsGraver(level, Level(run.Level));
        return Run(() => Desk.ChangeLevelAsync(_user, run.Id, level, _reasons.GetValueOrDefault(run.Id) ?? "", graver, _me));
    }

    private bool IsLeader => _user.IsInRole(Roles.Leader);

    private Task Reject(PlanRunView run) => Run(() => Desk.RejectAsync(_user, run.Id, _reasons.GetValueOrDefault(run.Id) ?? "", _me));

    private Task Terminate(PlanRunView run) => Run(() => Desk.TerminateAsync(_user, run.Id, _reasons.GetValueOrDefault(run.Id) ?? "", _me));

    private async Task Run(Func<Task> command)
    {
        if (!Ready) return;
        _busy = true;
        _error = null;
        try
        {
            await command();
            _reasons.Clear();
            _levels.Clear();
        }
        catch (PlanRefusedException ex)
        {
            _error = Refusals.Text(L, ex.Refusal);
        }
        finally
        {
            _busy = false;
        }
        _runs = await Desk.ForIncidentAsync(IncidentId);
    }

    public void Dispose() => _subscription?.Dispose();
}
