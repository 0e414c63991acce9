using CommandCenter.Domain.Patrols;
using CommandCenter.Web.Features.Grids;
using Microsoft.AspNetCore.Components;

namespace CommandCenter.Web.Features.Patrols;

// The units beside the map, following the feed's coalesced batches. Batches are folded in as they
// come and the list re-renders at most once per RefreshInterval, so thousands of moving units
// cost one render a second, not one per fix.
public sealed partial class UnitList
{
    private readonly Dictionary<long, UnitMarker> _units = [];
    private readonly Dictionary<long, UnitMarker> _pending = [];
    private readonly Lock _pendingGate = new();
    private readonly CancellationTokenSource _disposed = new();
    private Dictionary<string, string> _subdistrictNames = [];
    private List<UnitMarker> _rows = [];
    private UnitRosterSummary _summary = new(0, 0, 0);
    private UnitRosterFilter _filter = new();
    private IDisposable? _subscription;
    private bool _flushScheduled;

    [Inject] private IPatrolUnitSource Source { get; set; } = default!;

    [Parameter] public IReadOnlyList<PlaceRef> Subdistricts { get; set; } = [];

    [Parameter] public long? SelectedId { get; set; }

    [Parameter] public EventCallback<long> OnSelect { get; set; }

    [Parameter] public TimeSpan RefreshInterval { get; set; } = TimeSpan.FromSeconds(1);

    public UnitRosterFilter Filter => _filter;

    protected override void OnInitialized()
    {
        // Subscribe before the snapshot so that nothing falls between them.
        _subscription = Source.OnUnitsChanged(OnUnitsChanged);
        foreach (var unit in Source.Units()) _units[unit.Id] = unit;
        Rebuild();
    }

    protected override void OnParametersSet() =>
        _subdistrictNames = Subdistricts.ToDictionary(s => s.Code, s => s.Name, StringComparer.Ordinal);

    private void OnUnitsChanged(IReadOnlyList<UnitMarker> changes)
    {
        lock (_pendingGate)
        {
            foreach (var unit in changes) _pending[unit.Id] = unit;
            if (_flushScheduled) return;
            _flushScheduled = true;
        }
        _ = FlushLaterAsync();
    }

    private async Task FlushLaterAsync()
    {
        try
        {
            await Task.Delay(RefreshInterval, _disposed.Token);
            await InvokeAsync(() =>
            {
                lock (_pendingGate)
                {
                    foreach (var (id, unit) in _pending)
                    {
                        // A batch taken before the snapshot may be folded in after it.
                        if (!_units.TryGetValue(id, out var known) || unit.LastFixAt >= known.LastFixAt) _units[id] = unit;
                    }
                    _pending.Clear();
                    _flushScheduled = false;
                }
                Rebuild();
                StateHasChanged();
            });
        }
        catch (OperationCanceledException)
        {
            // the list is gone
        }
        catch (ObjectDisposedException)
        {
            // the circuit is gone
        }
    }

    private void Rebuild()
    {
        _rows = [.. UnitRoster.Select(_units.Values, _filter)];
        _summary = UnitRoster.Summarize(_units.Values);
    }

    private void SetFilter(UnitRosterFilter filter)
    {
        _filter = filter;
        Rebuild();
    }

    private void ToggleStatus(UnitStatus status) =>
        SetFilter(_filter with { Status = _filter.Status == status ? null : status, BusyOnly = false });

    private void ToggleBusy() => SetFilter(_filter with { Status = null, BusyOnly = !_filter.BusyOnly });

    private void OnKindChanged(ChangeEventArgs e) =>
        SetFilter(_filter with { Kind = PatrolCodes.TryParseKind(e.Value as string, out var kind) ? kind : null });

    private void OnStatusChanged(ChangeEventArgs e) =>
        SetFilter(_filter with { Status = PatrolCodes.TryParseStatus(e.Value as string, out var status) ? status : null, BusyOnly = false });

    private void OnSubdistrictChanged(ChangeEventArgs e) =>
        SetFilter(_filter with { SubdistrictCode = string.IsNullOrEmpty(e.Value as string) ? null : (string)e.Value! });

    private string SummaryClass(UnitStatus status) =>
        _filter.Status == status ? $"cc-unit-summary-{PatrolCodes.ToCode(status)} active" : $"cc-unit-summary-{PatrolCodes.ToCode(status)}";

    private string PlaceName(UnitMarker unit) =>
        unit.SubdistrictCode is { } code ? _subdistrictNames.GetValueOrDefault(code, code) : L["OutsideDistrict"];

    public void Dispose()
    {
        _subscription?.Dispose();
        _disposed.Cancel();
        _disposed.Dispose();
    }
}
