using CommandCenter.Domain.Incidents;
using CommandCenter.Web.Features.Incidents;
using CommandCenter.Web.Live;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Options;
using Microsoft.JSInterop;

namespace CommandCenter.Web.Features.Map;

public sealed partial class GridMap
{
    private ElementReference _element;
    private IJSObjectReference? _module;
    private IJSObjectReference? _map;
    private DotNetObjectReference<GridMap>? _self;

    [Inject] private IJSRuntime JS { get; set; } = default!;

    [Inject] private IStringLocalizer<Strings> L { get; set; } = default!;

    [Inject] private IOptions<MapOptions> Options { get; set; } = default!;

    [Parameter] public MapMode Mode { get; set; } = MapMode.Board;

    // Wall mode: how long the map stays on a new critical incident before returning to the district.
    [Parameter] public TimeSpan HighlightFor { get; set; } = TimeSpan.FromSeconds(15);

    [Parameter] public EventCallback<string> OnGridSelected { get; set; }

    // Opens focused on this incident (the incident room) instead of the whole district.
    [Parameter] public IncidentView? Focus { get; set; }

    [Parameter] public EventCallback<long> OnIncidentSelected { get; set; }

    // Reported on change only (and re-sent until the circuit takes it).
    [Parameter] public EventCallback<MapLiveStatus> OnLiveStatusChanged { get; set; }

    private string ModeName => Mode == MapMode.Wall ? "wall" : "board";

    protected override bool ShouldRender() => false;

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        if (!firstRender) return;
        _self = DotNetObjectReference.Create(this);
        _module = await JS.InvokeAsync<IJSObjectReference>("import", "./Features/Map/GridMap.razor.js");
        _map = await _module.InvokeAsync<IJSObjectReference>("init", _element, new
        {
            mode = ModeName,
            highlightMs = (int)HighlightFor.TotalMilliseconds,
            reportStatus = OnLiveStatusChanged.HasDelegate,
            tileUrl = Options.Value.OnlineTileUrl,
            tileAttribution = Options.Value.OnlineTileAttribution,
            hubPath = LiveHubContract.Path,
            stream = LiveStreams.Incidents,
            text = new
            {
                live = L["Live"].Value,
                connecting = L["LiveConnecting"].Value,
                down = L["LiveDown"].Value,
                lastEvent = L["LastEvent"].Value,
                secondsAgo = L["SecondsAgo"].Value,
                outsideDistrict = L["OutsideDistrict"].Value,
                priorities = Labels("Priority_", IncidentCodes.PriorityCodes),
                types = Labels("Type_", IncidentCodes.TypeCodes),
            },
            patrols = new
            {
                join = LiveHubContract.JoinPositions,
                method = LiveHubContract.PositionsMethod,
                text = new
                {
                    secondsAgo = L["SecondsAgo"].Value,
                    minutesAgo = L["MinutesAgo"].Value,
                    lastFix = L["LastFix"].Value,
                    status = Labels("UnitStatus_", ["available", "assigned", "en_route", "on_scene", "silent"]),
                    kind = Labels("UnitKind_", ["street_patrol", "community_patrol", "checkpoint", "vehicle"]),
                },
            },
        }, _self);
        if (Focus is not null) await FocusIncidentAsync(Focus);
    }

    private Dictionary<string, string> Labels(string prefix, IEnumerable<string> codes) =>
        codes.ToDictionary(c => c, c => L[prefix + c].Value, StringComparer.Ordinal);

    public async Task FocusIncidentAsync(IncidentView incident)
    {
        if (_map is not null) await _map.InvokeVoidAsync("focusIncident", incident.Id, incident.Latitude, incident.Longitude);
    }

    public async Task HighlightGridAsync(string? gridCode)
    {
        if (_map is not null) await _map.InvokeVoidAsync("highlightGrid", gridCode);
    }

    [JSInvokable]
    public Task GridClicked(string code) => OnGridSelected.InvokeAsync(code);

    [JSInvokable]
    public Task IncidentClicked(long id) => OnIncidentSelected.InvokeAsync(id);

    [JSInvokable]
    public Task LiveStatusChanged(string status) =>
        Enum.TryParse<MapLiveStatus>(status, ignoreCase: true, out var parsed) ? OnLiveStatusChanged.InvokeAsync(parsed) : Task.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (_map is not null)
            {
                await _map.InvokeVoidAsync("dispose");
                await _map.DisposeAsync();
            }
            if (_module is not null) await _module.DisposeAsync();
        }
        catch (JSDisconnectedException)
        {
            // The circuit is gone with the browser tab; nothing to clean up there.
        }
        _self?.Dispose();
    }
}
