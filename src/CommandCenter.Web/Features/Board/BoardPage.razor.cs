using CommandCenter.Web.Features.Grids;
using CommandCenter.Web.Features.Incidents;
using CommandCenter.Web.Features.Map;
using CommandCenter.Web.Features.Patrols;
using CommandCenter.Web.Infrastructure;
using Microsoft.Extensions.Localization;
using MudBlazor;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Components;

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

    private enum SideTab
    {
        Incidents,
        Units,
    }

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

    protected override async Task OnInitializedAsync()
    {
        _subscription = await Feed.OpenBoardAsync(state => _ = InvokeAsync(() => OnBoardChangedAsync(state)));
        // The duty officer's one notice per unit that goes silent.
        _silence = Patrols.OnUnitSilent(unit => _ = InvokeAsync(() => Snackbar.Add(
            Text["UnitSilentNotice", unit.Callsign, Clock.Time(unit.FixAt)].Value,
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

    private async Task OnBoardChangedAsync(IncidentFeed.BoardState state)
    {
        try
        {
            _items = state.Items;
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

    public void Dispose()
    {
        _subscription?.Dispose();
        _silence?.Dispose();
    }
}
