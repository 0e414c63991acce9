using CommandCenter.Domain.Dispatch;
using CommandCenter.Web.Features.Access;
using CommandCenter.Web.Live;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.Extensions.Options;

namespace CommandCenter.Web.Features.Dispatch;

public sealed partial class ResponderPage
{
    public const string Route = "/responder";

    private readonly CancellationTokenSource _stop = new();
    private System.Security.Claims.ClaimsPrincipal _user = new();
    private Actor _me = Actor.System("anonymous");
    private string? _callsign;
    private long? _unitId;
    private ResponderDuty? _duty;
    private bool _loaded;
    // One command at a time: the button is disabled while it is in flight, so a second tap sends nothing.
    private bool _busy;
    private string? _refusal;
    private string? _note;
    private IDisposable? _subscription;
    private int _reloadQueued;

    [CascadingParameter] private Task<AuthenticationState> AuthenticationState { get; set; } = default!;

    [CascadingParameter(Name = ClientAddress.CascadeName)] private ClientAddress? Client { get; set; }

    [Inject] private IResponderDesk Desk { get; set; } = default!;

    [Inject] private LiveBus Bus { get; set; } = default!;

    [Inject] private IOptions<DispatchOptions> Options { get; set; } = default!;

    protected override async Task OnInitializedAsync()
    {
        _user = (await AuthenticationState).User;
        _me = Actor.From(_user, Client?.Value);
        _callsign = _user.FindFirst(AccessClaims.Unit)?.Value is { Length: > 0 } c ? c : null;
        if (_callsign is not null)
        {
            // Subscribe before reading, so an assignment made between the two is not missed.
            _subscription = Bus.Subscribe(LiveStreams.Incidents, e =>
            {
                if (ResponderRules.Concerns(e, _callsign, _duty?.Incident.Id)) QueueReload();
            });
            await ReloadAsync();
        }
        _loaded = true;
    }

    // Bursts of events (a step announces the incident and its room) become one reload and one render.
    private void QueueReload()
    {
        if (Interlocked.Exchange(ref _reloadQueued, 1) == 1) return;
        _ = InvokeAsync(async () =>
        {
            await Task.Delay(200);
            Interlocked.Exchange(ref _reloadQueued, 0);
            try
            {
                await ReloadAsync();
                StateHasChanged();
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                await DispatchExceptionAsync(ex);
            }
        });
    }

    private async Task ReloadAsync()
    {
        try
        {
            // The unit may be created after the page opened: look again until it exists.
            _unitId ??= await Desk.UnitOfAsync(_user, _stop.Token);
            _duty = _unitId is { } unit ? await Desk.CurrentAsync(unit, _stop.Token) : null;
        }
        catch (OperationCanceledException)
        {
            // the page is closing
        }
    }

    private Task StepAsync(AssignmentStep step) => SendAsync(unit => Desk.AdvanceAsync(_duty!.Assignment.Id, step, _me, unit, _stop.Token));

    private Task AddNoteAsync() => SendAsync(async unit =>
    {
        await Desk.AddNoteAsync(_duty!.Incident.Id, _note!, _me, unit, _stop.Token);
        _note = null;
    });

    private async Task SendAsync(Func<long, Task> command)
    {
        if (_busy || _duty is null || _unitId is not { } unit) return;
        _busy = true;
        _refusal = null;
        try
        {
            await command(unit);
        }
        catch (DispatchRefusedException ex)
        {
            _refusal = RefusalText(ex.Refusal);
        }
        finally
        {
            _busy = false;
        }
        await ReloadAsync();
    }

    private string RefusalText(Refusal refusal)
    {
        var text = L[$"Refusal_{refusal.Code}"];
        return text.ResourceNotFound ? L["Refusal_other"] : text;
    }

    // Grid names usually begin with their community's ("清波第2社区第05网格"): say it once.
    private string Place(Incidents.IncidentView i) =>
        i.GridName is null ? L["OutsideDistrict"]
        : i.CommunityName is null || i.GridName.StartsWith(i.CommunityName, StringComparison.Ordinal) ? i.GridName
        : $"{i.CommunityName} · {i.GridName}";

    // The unit's duty as the board names it: a dispatched unit is "assigned".
    private static string StageKey(AssignmentView a) => a.Status == "dispatched" ? "assigned" : a.Status;

    private StageLimit? StageLimit(AssignmentView a) => StageTimers.LimitFor(a.StatusValue, Options.Value.Timers);

    public async ValueTask DisposeAsync()
    {
        _subscription?.Dispose();
        await _stop.CancelAsync();
        _stop.Dispose();
    }
}
