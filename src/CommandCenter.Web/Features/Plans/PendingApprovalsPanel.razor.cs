using CommandCenter.Domain.Plans;
using CommandCenter.Web.Features.Access;
using CommandCenter.Web.Features.Dispatch;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;

namespace CommandCenter.Web.Features.Plans;

public sealed partial class PendingApprovalsPanel : IDisposable
{
    private readonly Dictionary<long, string?> _reasons = [];
    private IReadOnlyList<PlanRunView> _pending = [];
    private IDisposable? _subscription;
    private System.Security.Claims.ClaimsPrincipal _user = new();
    private Actor _me = Actor.System("anonymous");
    private string? _error;
    private bool _busy;

    [CascadingParameter] private Task<AuthenticationState> AuthenticationState { get; set; } = default!;

    [CascadingParameter(Name = ClientAddress.CascadeName)] private ClientAddress? Client { get; set; }

    private bool Ready => RendererInfo.IsInteractive && !_busy;

    private static ResponseLevel Level(string? code) => ResponseLevels.TryParse(code, out var level) ? level : ResponseLevel.IV;

    protected override async Task OnInitializedAsync()
    {
        _user = (await AuthenticationState).User;
        _me = Actor.From(_user, Client?.Value);
        _subscription = Desk.OnChanged(() => _ = InvokeAsync(async () =>
        {
            _pending = await Desk.PendingApprovalsAsync();
            StateHasChanged();
        }));
        _pending = await Desk.PendingApprovalsAsync();
    }

    private Task ApproveAsync(PlanRunView run) => RunAsync(() => Desk.ApproveAsync(_user, run.Id, _me), run.Id);

    private Task RejectAsync(PlanRunView run) => RunAsync(() => Desk.RejectAsync(_user, run.Id, _reasons.GetValueOrDefault(run.Id) ?? "", _me), run.Id);

    private async Task RunAsync(Func<Task> command, long runId)
    {
        if (!Ready) return;
        _busy = true;
        _error = null;
        try
        {
            await command();
            _reasons.Remove(runId);
        }
        catch (PlanRefusedException ex)
        {
            _error = Refusals.Text(L, ex.Refusal);
        }
        finally
        {
            _busy = false;
        }
        _pending = await Desk.PendingApprovalsAsync();
    }

    public void Dispose() => _subscription?.Dispose();
}
