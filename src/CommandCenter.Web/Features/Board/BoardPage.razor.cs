using CommandCenter.Web.Features.Grids;
using CommandCenter.Web.Features.Incidents;
using CommandCenter.Web.Features.Map;
using CommandCenter.Web.Features.Patrols;
using CommandCenter.Web.Infrastructure;
using Microsoft.Extensions.Localization;
using MudBlazor;
using Microsoft.AspNetCore.Authorization;
using CommandCenter.Web.Features.Access;
using CommandCenter.Web.Features.Dispatch;
using Microsoft.AspNetCore.Components;
using Microsoft.JSInterop;

namespace CommandCenter.Web.Features.Board;

public sealed partial class BoardPage
{
    private IncidentFeed.BoardSubscription? _subscription;
    private IDisposable? _silence;
    private IReadOnlyList<IncidentView> _items = [];
    private GridMap? _map;
    private GridDetail? _grid;
    private long? _selectedId;
    private bool _loading = true;
    private SideTab _tab = SideTab.Incidents;
    private IReadOnlyList<PlaceRef> _subdistricts = [];
    private long? _selectedUnitId;

    private Actor _me = Actor.System("anonymous");
    private bool _canDispatch;
    private bool _canClose;
    private bool _calling;
    private CallTakingForm? _callForm;
    private IReadOnlyList<IncidentView> _toVerify = [];
    // The selected incident as last seen: it stays on screen after it leaves the open list (resolved).
    private IncidentView? _selectedView;
    private long _seenVersion;
    private IJSObjectReference? _keys;
    private DotNetObjectReference<BoardPage>? _self;

    private enum SideTab
    {
        Incidents,
        Verify,
        Units,
    }

    [Inject] private IDispatchDesk Desk { get; set; } = default!;

    [Inject] private IJSRuntime JS { get; set; } = default!;

    [CascadingParameter(Name = ClientAddress.CascadeName)] private ClientAddress? Client { get; set; }

    private IncidentView? SelectedIncident =>
        _selectedId is not { } id ? null : _items.FirstOrDefault(i => i.Id == id) ?? _toVerify.FirstOrDefault(i => i.Id == id) ?? _selectedView;

    [Inject] private IncidentFeed Feed { get; set; } = default!;

    [Inject] private GridQueries Grids { get; set; } = default!;

    [Inject] private PatrolLiveFeed Patrols { get; set; } = default!;

    [Inject] private ISnackbar Snackbar { get; set; } = default!;

    [Inject] private IStringLocalizer<Strings> Text { get; set; } = default!;

    [Inject] private CenterTime Clock { get; set; } = default!;

    [Inject] private IAuthorizationService Authorization { get; set; } = default!;

    [CascadingParameter] private Task<Microsoft.AspNetCore.Components.Authorization.AuthenticationState> AuthenticationState { get; set; } = default!;

    private bool? _mayContactStaff;

    // A leader or the wall sees who is responsible for a grid, not their phone number.
    private async Task<GridDetail?> GridForViewerAsync(string code)
    {
        var detail = await Grids.GetDetailAsync(code);
        _mayContactStaff ??= (await Authorization.AuthorizeAsync((await AuthenticationState).User, Features.Access.Policies.ContactStaff)).Succeeded;
        return _mayContactStaff == true ? detail : detail?.WithoutPhones();
    }

    [Inject] private SilenceNotices Silences { get; set; } = default!;

    protected override async Task OnInitializedAsync()
    {
        var user = (await AuthenticationState).User;
        _me = Actor.From(user, Client?.Value);
        _canDispatch = (await Authorization.AuthorizeAsync(user, Policies.Dispatch)).Succeeded;
        _canClose = (await Authorization.AuthorizeAsync(user, Policies.CloseIncidents)).Succeeded;
        if (_canClose) _toVerify = await Desk.AwaitingVerificationAsync();
        _subscription = await Feed.OpenBoardAsync(state => _ = InvokeAsync(() => OnBoardChangedAsync(state)));
        // The duty officer's one notice per unit that goes silent, whichever instance noticed it.
        _silence = Silences.OnUnitSilent(unit => _ = InvokeAsync(() => Snackbar.Add(
            Text["UnitSilentNotice", unit.Callsign, Clock.Time(unit.LastFixAt)].Value,
            Severity.Warning)));
        _subdistricts = await Grids.SubdistrictsAsync();
        _loading = false;
    }

    private string TabClass(SideTab tab) => tab == _tab ? "cc-side-tab active" : "cc-side-tab";

    // From the list: the map draws the unit's trail (and brings it into view).
    private async Task SelectUnitAsync(long unitId)
    {
        _selectedUnitId = unitId;
        if (_map is not null) await _map.ShowUnitTrailAsync(unitId);
    }

    // On the map (which already draws the trail): the list shows that unit.
    private void UnitClickedOnMap(long unitId)
    {
        _selectedUnitId = unitId;
        _tab = SideTab.Units;
    }

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        // Once the page knows the user may dispatch (that may come after the first render).
        if (_keys is not null || !_canDispatch || !RendererInfo.IsInteractive) return;
        _self ??= DotNetObjectReference.Create(this);
        _keys = await JS.InvokeAsync<IJSObjectReference>("import", "./board-keys.js");
        await _keys.InvokeVoidAsync("listen", _self);
        StateHasChanged(); // the new-call button says F2 works once it does
    }

    // F2 anywhere on the board: take a call.
    [JSInvokable]
    public void NewCallKey()
    {
        OpenCall();
        StateHasChanged();
    }

    private void OpenCall()
    {
        _calling = true;
        _grid = null;
    }

    private void CloseCall() => _calling = false;

    private async Task CallDoneAsync(IncidentView incident)
    {
        _calling = false;
        _tab = SideTab.Incidents;
        await SelectIncidentAsync(incident);
    }

    // While a call is being taken, a click on the map places it; otherwise it opens the grid.
    private async Task GridClickedAsync(GridClick click)
    {
        if (_calling && _callForm is not null) await _callForm.SetLocationAsync(click.Latitude, click.Longitude);
        else await SelectGridAsync(click.GridCode);
    }

    private async Task CloseIncidentPanelAsync()
    {
        _selectedId = null;
        _selectedView = null;
        if (_map is not null) await _map.HighlightGridAsync(null);
    }

    private async Task ShowVerifyAsync()
    {
        _tab = SideTab.Verify;
        _toVerify = await Desk.AwaitingVerificationAsync();
    }

    private async Task OnBoardChangedAsync(IncidentFeed.BoardState state)
    {
        try
        {
            _items = state.Items;
            // Every change since the last state this screen drew (states come coalesced, and a
            // busy screen skips some); unknown after a reload, when the lists are read again.
            IEnumerable<IncidentView>? changes = _seenVersion == 0 ? [] : state.ChangesSince(_seenVersion);
            _seenVersion = state.Version;
            var verify = changes is null;
            foreach (var changed in changes ?? [])
            {
                if (changed.Id == _selectedId) _selectedView = changed;
                verify |= !changed.IsOpen;
            }
            // Resolved or closed somewhere: the duty officer's list to verify follows.
            if (_canClose && verify) _toVerify = await Desk.AwaitingVerificationAsync(state.LastSeq);
            // The open grid's panel follows the stream too.
            if (_grid is not null && state.Items.Count(i => i.GridCode == _grid.Grid.Code) != _grid.OpenIncidents.Count)
                _grid = await GridForViewerAsync(_grid.Grid.Code);
            StateHasChanged();
        }
        catch (Exception ex)
        {
            await DispatchExceptionAsync(ex);
        }
    }

    private async Task SelectIncidentAsync(IncidentView incident)
    {
        _selectedId = incident.Id;
        _selectedView = incident;
        if (_map is not null) await _map.FocusIncidentAsync(incident);
        if (incident.GridCode is not null) await SelectGridAsync(incident.GridCode);
    }

    private async Task SelectIncidentByIdAsync(long id)
    {
        if (_items.FirstOrDefault(i => i.Id == id) is { } incident) await SelectIncidentAsync(incident);
    }

    private async Task SelectGridAsync(string code)
    {
        _grid = await GridForViewerAsync(code);
        if (_map is not null) await _map.HighlightGridAsync(_grid?.Grid.Code);
    }

    private async Task CloseGridAsync()
    {
        _grid = null;
        if (_map is not null) await _map.HighlightGridAsync(null);
    }

    public async ValueTask DisposeAsync()
    {
        _subscription?.Dispose();
        _silence?.Dispose();
        if (_keys is not null)
        {
            try
            {
                await _keys.InvokeVoidAsync("stop");
                await _keys.DisposeAsync();
            }
            catch (JSDisconnectedException)
            {
                // the circuit is gone, and the listener with the page
            }
        }
        _self?.Dispose();
    }
}
