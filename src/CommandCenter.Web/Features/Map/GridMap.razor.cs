using CommandCenter.Domain.Incidents;
using CommandCenter.Web.Features.Incidents;
using CommandCenter.Web.Infrastructure;
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
    private long? _pendingTrail;
    // Set when the page is left; starting the map is several round trips, and a user who navigates
    // away during them (a tap on 回放此事件 before the room's map is up) must not get a JS call
    // with a disposed reference, which would end the whole circuit.
    private bool _disposed;

    [Inject] private IJSRuntime JS { get; set; } = default!;

    [Inject] private IStringLocalizer<Strings> L { get; set; } = default!;

    [Inject] private IOptions<MapOptions> Options { get; set; } = default!;

    [Inject] private CenterTime Time { get; set; } = default!;

    [Parameter] public MapMode Mode { get; set; } = MapMode.Board;

    // Wall mode: how long the map stays on a new critical incident before returning to the district.
    [Parameter] public TimeSpan HighlightFor { get; set; } = TimeSpan.FromSeconds(15);

    [Parameter] public EventCallback<string> OnGridSelected { get; set; }

    // When set, a click on a grid comes here with the point clicked, instead of to OnGridSelected.
    [Parameter] public EventCallback<GridClick> OnGridClicked { get; set; }

    // Opens focused on this incident (the incident room) instead of the whole district.
    [Parameter] public IncidentView? Focus { get; set; }

    [Parameter] public EventCallback<long> OnIncidentSelected { get; set; }

    // Reported on change only (and re-sent until the circuit takes it).
    [Parameter] public EventCallback<MapLiveStatus> OnLiveStatusChanged { get; set; }

    // A unit clicked on the map (its trail is drawn too).
    [Parameter] public EventCallback<long> OnUnitSelected { get; set; }

    // The map's module is up: its methods (a replay's load, a trail) can be called from now on.
    [Parameter] public EventCallback OnReady { get; set; }

    // Replay mode: the replay clock reached the end of the window and stopped.
    [Parameter] public EventCallback OnReplayEnded { get; set; }

    private string ModeName => Mode switch { MapMode.Wall => "wall", MapMode.Replay => "replay", MapMode.Responder => "responder", _ => "board" };

    protected override bool ShouldRender() => false;

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        if (!firstRender) return;
        _self = DotNetObjectReference.Create(this);
        var module = await JS.InvokeAsync<IJSObjectReference>("import", "./Features/Map/GridMap.razor.js");
        if (_disposed)
        {
            await ReleaseAsync(null, module);
            return;
        }
        _module = module;
        // Serialized here, with the process's shared serializer cache, and handed over as a JsonElement:
        // the circuit's JS runtime would otherwise keep its own metadata for these anonymous types,
        // a few tens of KB in every circuit that shows a map.
        var settings = System.Text.Json.JsonSerializer.SerializeToElement(new
        {
            mode = ModeName,
            highlightMs = (int)HighlightFor.TotalMilliseconds,
            reportStatus = OnLiveStatusChanged.HasDelegate,
            tileUrl = Options.Value.OnlineTileUrl,
            tileAttribution = Options.Value.OnlineTileAttribution,
            tileDatum = Options.Value.TileDatum,
            // Loads map/debug.js (the end-to-end tests' hooks) only where it is switched on.
            debugHooks = Options.Value.DebugHooks,
            live = new
            {
                hubPath = LiveHubContract.Path,
                join = LiveHubContract.Join,
                eventMethod = LiveHubContract.EventMethod,
                stream = LiveStreams.Incidents,
                joinPositions = LiveHubContract.JoinPositions,
                positionsMethod = LiveHubContract.PositionsMethod,
                joinAlerts = LiveHubContract.JoinAlerts,
                alertsMethod = LiveHubContract.AlertsMethod,
            },
            timeZone = Time.Zone.HasIanaId || !TimeZoneInfo.TryConvertWindowsIdToIanaId(Time.Zone.Id, out var iana) ? Time.Zone.Id : iana,
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
            alerts = new
            {
                legendTitle = L["AlertLayer"].Value,
                noUnit = L["NoLinkageUnit"].Value,
                noAddress = L["AlertNoAddress"].Value,
                categories = Labels("LinkageCategory_", CommandCenter.Domain.Linkage.LinkageCategories.Codes),
                states = Labels("AlertLook_", ["supervised", "overdue", "new", "acknowledged", "on_scene"]),
            },
            patrols = new
            {
                text = new
                {
                    secondsAgo = L["SecondsAgo"].Value,
                    minutesAgo = L["MinutesAgo"].Value,
                    lastFix = L["LastFix"].Value,
                    status = Labels("UnitStatus_", ["available", "assigned", "en_route", "on_scene", "silent"]),
                    kind = Labels("UnitKind_", ["street_patrol", "community_patrol", "checkpoint", "vehicle"]),
                },
            },
        });
        var map = await _module.InvokeAsync<IJSObjectReference>("init", _element, settings, _self);
        if (_disposed)
        {
            await ReleaseAsync(map, null); // DisposeAsync has released the module already
            return;
        }
        _map = map;
        try
        {
            if (Focus is not null) await FocusIncidentAsync(Focus);
            if (_pendingTrail is { } unit) await ShowUnitTrailAsync(unit);
        }
        catch (JSException) when (_disposed)
        {
            return; // left during these calls: the map they spoke to is gone
        }
        await OnReady.InvokeAsync();
    }

    private Dictionary<string, string> Labels(string prefix, IEnumerable<string> codes) =>
        codes.ToDictionary(c => c, c => L[prefix + c].Value, StringComparer.Ordinal);

    public async Task FocusIncidentAsync(IncidentView incident)
    {
        if (_map is null) return;
        // Without the stream the responder's map has no markers of its own: it is given this one.
        if (Mode == MapMode.Responder)
            await _map.InvokeVoidAsync("pinIncident", new { incident.Id, incident.Latitude, incident.Longitude, incident.Priority, incident.Title });
        await _map.InvokeVoidAsync("focusIncident", incident.Id, incident.Latitude, incident.Longitude);
    }

    public async Task HighlightGridAsync(string? gridCode)
    {
        if (_map is not null) await _map.InvokeVoidAsync("highlightGrid", gridCode);
    }

    // Draws the unit's trail of the last hours (fetched by the browser) and keeps the view if it
    // fits; a click elsewhere on the map or Escape clears it. Before the map is up, it is drawn once it is.
    public async Task ShowUnitTrailAsync(long unitId)
    {
        if (_map is null) { _pendingTrail = unitId; return; }
        _pendingTrail = null;
        await _map.InvokeVoidAsync("showUnitTrail", unitId);
    }

    public async Task ClearUnitTrailAsync()
    {
        _pendingTrail = null;
        if (_map is not null) await _map.InvokeVoidAsync("clearTrail");
    }

    // Replay mode: loads a window; the replay writes the time into `clock` and drives `slider`.
    public async Task<ReplayLoad> ReplayLoadAsync(DateTimeOffset from, DateTimeOffset to, ElementReference clock, ElementReference slider) =>
        _map is null
            ? new ReplayLoad(0, 0, null)
            : await _map.InvokeAsync<ReplayLoad>("replayLoad", from.ToString("O", System.Globalization.CultureInfo.InvariantCulture),
                to.ToString("O", System.Globalization.CultureInfo.InvariantCulture), clock, slider);

    public async Task ReplayPlayAsync(bool play)
    {
        if (_map is not null) await _map.InvokeVoidAsync(play ? "replayPlay" : "replayPause");
    }

    public async Task ReplaySpeedAsync(int speed)
    {
        if (_map is not null) await _map.InvokeVoidAsync("replaySpeed", speed);
    }

    [JSInvokable]
    public Task UnitClicked(long id) => OnUnitSelected.InvokeAsync(id);

    [JSInvokable]
    public Task ReplayEnded() => OnReplayEnded.InvokeAsync();

    // The point clicked comes along: the call-taking form places an incident with it.
    [JSInvokable]
    public Task GridClicked(string code, double latitude, double longitude) =>
        OnGridClicked.HasDelegate ? OnGridClicked.InvokeAsync(new GridClick(code, latitude, longitude)) : OnGridSelected.InvokeAsync(code);

    [JSInvokable]
    public Task IncidentClicked(long id) => OnIncidentSelected.InvokeAsync(id);

    [JSInvokable]
    public Task LiveStatusChanged(string status) =>
        Enum.TryParse<MapLiveStatus>(status, ignoreCase: true, out var parsed) ? OnLiveStatusChanged.InvokeAsync(parsed) : Task.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        _disposed = true;
        await ReleaseAsync(_map, _module);
        _map = null;
        _module = null;
        _self?.Dispose();
    }

    private static async Task ReleaseAsync(IJSObjectReference? map, IJSObjectReference? module)
    {
        try
        {
            if (map is not null)
            {
                await map.InvokeVoidAsync("dispose");
                await map.DisposeAsync();
            }
            if (module is not null) await module.DisposeAsync();
        }
        catch (JSDisconnectedException)
        {
            // The circuit is gone with the browser tab; nothing to clean up there.
        }
    }
}

public sealed record GridClick(string GridCode, double Latitude, double Longitude);
