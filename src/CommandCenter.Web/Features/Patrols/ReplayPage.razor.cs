using CommandCenter.Domain.Patrols;
using CommandCenter.Web.Features.Incidents;
using CommandCenter.Web.Features.Map;
using CommandCenter.Web.Infrastructure;
using Microsoft.AspNetCore.Components;

namespace CommandCenter.Web.Features.Patrols;

// The leader's after-incident tool: a past window of every unit and incident, played at 1×–60×.
// The map's replay (map/replay.js) owns the clock, the slider and the drawing; this page picks the
// window and sends play, pause and speed.
public sealed partial class ReplayPage
{
    private static readonly int[] Speeds = [1, 5, 10, 30, 60];

    private GridMap? _map;
    private ElementReference _clock;
    private ElementReference _slider;
    private DateTime? _from;
    private DateTime? _to;
    private int _speed = 1;
    private bool _playing;
    private bool _loaded;
    private bool _loading;
    private string? _summary;
    private string? _error;

    // The map may be up before the window is known (reading the incident waits for the database):
    // the first load waits for both.
    private readonly TaskCompletionSource _windowKnown = new(TaskCreationOptions.RunContinuationsAsynchronously);

    // ?incident={id}: the window around that incident.
    [SupplyParameterFromQuery(Name = "incident")] public long? IncidentId { get; set; }

    [Inject] private CenterTime Time { get; set; } = default!;

    [Inject] private TimeProvider Clock { get; set; } = default!;

    [Inject] private IncidentService Incidents { get; set; } = default!;

    private bool Ready => RendererInfo.IsInteractive && _loaded;

    private async Task MapReadyAsync()
    {
        await _windowKnown.Task;
        await LoadAsync();
    }

    protected override async Task OnInitializedAsync()
    {
        try
        {
            await ChooseWindowAsync();
        }
        finally
        {
            _windowKnown.TrySetResult();
        }
    }

    private async Task ChooseWindowAsync()
    {
        var now = Clock.GetUtcNow();
        var window = new HistoryWindow(now - HistoryWindow.DefaultReplayLength, now);
        if (IncidentId is { } id && await Incidents.GetAsync(id) is { } incident)
            window = HistoryWindow.AroundIncident(incident.ReportedAt, incident.ResolvedAt, now);
        // The inputs show the center's wall-clock time, to the minute.
        _from = Minute(Time.ToCenter(window.From).DateTime);
        _to = Minute(Time.ToCenter(window.To).DateTime.AddSeconds(59));
    }

    private static DateTime Minute(DateTime t) => new(t.Year, t.Month, t.Day, t.Hour, t.Minute, 0, DateTimeKind.Unspecified);

    private async Task LoadAsync()
    {
        if (_map is null) return;
        if (_from is not { } from || _to is not { } to)
        {
            _error = L["ReplayPickWindow"].Value;
            return;
        }
        _loading = true;
        _playing = false;
        try
        {
            var result = await _map.ReplayLoadAsync(FromCenter(from), FromCenter(to), _clock, _slider);
            _error = result.Error;
            _loaded = result.Error is null;
            _summary = _loaded ? L["ReplaySummary", result.Units, result.Incidents].Value : null;
            if (_loaded) await _map.ReplaySpeedAsync(_speed);
        }
        finally
        {
            _loading = false;
        }
    }

    private DateTimeOffset FromCenter(DateTime local) =>
        new(TimeZoneInfo.ConvertTimeToUtc(DateTime.SpecifyKind(local, DateTimeKind.Unspecified), Time.Zone), TimeSpan.Zero);

    private async Task TogglePlayAsync()
    {
        if (_map is null) return;
        _playing = !_playing;
        await _map.ReplayPlayAsync(_playing);
    }

    private async Task SetSpeedAsync(int speed)
    {
        _speed = speed;
        if (_map is not null) await _map.ReplaySpeedAsync(speed);
    }

    private void ReplayEnded() => _playing = false;
}
