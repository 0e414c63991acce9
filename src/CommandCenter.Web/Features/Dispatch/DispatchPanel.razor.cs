using CommandCenter.Domain.Dispatch;
using CommandCenter.Domain.Incidents;
using CommandCenter.Domain.Patrols;
using CommandCenter.Web.Features.Access;
using CommandCenter.Web.Features.Incidents;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web;
using Microsoft.Extensions.Localization;

namespace CommandCenter.Web.Features.Dispatch;

// One incident on the dispatcher's board: who to send (ranked, one key each), the units on their
// way with their timers, and resolving and closing. Every command goes through IDispatchDesk; a
// refusal is shown in the dispatcher's language, and nothing is sent twice while one is in flight.
public sealed partial class DispatchPanel
{
    private IReadOnlyList<Recommendation>? _recommendations;
    private IncidentCase? _case;
    private UnitKind? _kind;
    private string? _outcome;
    private string? _verification;
    private string? _error;
    private bool _busy;
    private IncidentView? _shown;

    [Inject] private IDispatchDesk Desk { get; set; } = default!;

    [Parameter, EditorRequired] public IncidentView Incident { get; set; } = default!;

    [Parameter, EditorRequired] public Actor Me { get; set; } = default!;

    // 核查结案 is the duty officer's.
    [Parameter] public bool CanClose { get; set; }

    [Parameter] public EventCallback OnClose { get; set; }

    private StageTimerOptions Timers => Desk.Timers;

    private bool Ready => RendererInfo.IsInteractive && !_busy;

    private StageLimit? IncidentLimit => IncidentLifecycle.TryParse(Incident.Status, out var s) ? StageTimers.LimitFor(s, Timers) : null;

    protected override async Task OnParametersSetAsync()
    {
        // A new incident, or the same one changed in the stream: what it shows is read again.
        if (ReferenceEquals(_shown, Incident)) return;
        var other = _shown?.Id != Incident.Id;
        _shown = Incident;
        if (other)
        {
            _outcome = _verification = _error = null;
            _recommendations = null;
        }
        await LoadAsync();
    }

    private async Task LoadAsync()
    {
        var id = Incident.Id;
        _case = await Desk.CaseAsync(id);
        _recommendations = Incident.IsOpen ? (await Desk.RecommendAsync(id, _kind, 5))?.Units ?? [] : [];
    }

    private string Why(Recommendation r) => L["RecommendationWhy",
        PatrolCodes.TryParseKind(r.Kind, out _) ? L[$"UnitKind_{r.Kind}"] : r.Kind,
        Distance(r.DistanceMeters), Math.Max(1, (int)Math.Round(r.EtaSeconds / 60.0)), r.FixAgeSeconds];

    private static string Distance(double meters) =>
        meters >= 1000 ? $"{(meters / 1000).ToString("0.0", System.Globalization.CultureInfo.InvariantCulture)} km" : $"{meters:0} m";

    private async Task OnKindChangedAsync(ChangeEventArgs e)
    {
        _kind = PatrolCodes.TryParseKind(e.Value as string, out var kind) ? kind : null;
        _recommendations = (await Desk.RecommendAsync(Incident.Id, _kind, 5))?.Units ?? [];
    }

    // 1–9 send the unit of that rank; Escape closes the panel. Keys typed into a text box are text.
    private async Task OnKeyAsync(KeyboardEventArgs e)
    {
        if (e.Key == "Escape")
        {
            await OnClose.InvokeAsync();
            return;
        }
        if (e.Key is not { Length: 1 } key || key[0] is < '1' or > '9' || e.CtrlKey || e.AltKey || e.MetaKey) return;
        if (_outcome is { Length: > 0 } || _verification is { Length: > 0 }) return;
        var rank = key[0] - '1';
        if (_recommendations is { } list && rank < list.Count) await SendAsync(list[rank]);
    }

    private Task SendAsync(Recommendation r) => RunAsync(() => Desk.AssignAsync(Incident.Id, r.UnitId, Me));

    private Task AdvanceAsync(AssignmentView a, AssignmentStep step) => RunAsync(() => Desk.AdvanceAsync(a.Id, step, Me));

    private Task ResolveAsync() => RunAsync(async () =>
    {
        var done = await Desk.ResolveAsync(Incident.Id, _outcome ?? "", Me);
        _outcome = null;
        return done;
    });

    private Task CloseCaseAsync() => RunAsync(async () =>
    {
        var done = await Desk.CloseAsync(Incident.Id, _verification ?? "", Me);
        _verification = null;
        return done;
    });

    // One command at a time; the stream brings the result to every screen, this one included.
    private async Task RunAsync<T>(Func<Task<T>> command)
    {
        if (_busy || !RendererInfo.IsInteractive) return;
        _busy = true;
        _error = null;
        try
        {
            await command();
            await LoadAsync();
        }
        catch (DispatchRefusedException ex)
        {
            _error = Refusals.Text(L, ex.Refusal);
            await LoadAsync();
        }
        finally
        {
            _busy = false;
        }
    }
}

public static class Refusals
{
    public static string Text(IStringLocalizer<Strings> L, Refusal refusal)
    {
        var text = L[$"Refusal_{refusal.Code}"];
        return text.ResourceNotFound ? refusal.Message : text.Value;
    }
}
