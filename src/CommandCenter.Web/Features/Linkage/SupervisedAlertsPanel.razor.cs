using Microsoft.AspNetCore.Components;

namespace CommandCenter.Web.Features.Linkage;

public sealed partial class SupervisedAlertsPanel : IDisposable
{
    private static readonly TimeSpan Tick = TimeSpan.FromMinutes(1);

    private IDisposable? _subscription;
    private ITimer? _timer;
    private DateTimeOffset _now;

    [Inject] private ILinkageBoard Board { get; set; } = default!;

    [Inject] private TimeProvider Clock { get; set; } = default!;

    protected override void OnInitialized()
    {
        _now = Clock.GetUtcNow();
        // The board itself is shared; this circuit holds only the subscription and a timer.
        _subscription = Board.OnChanged(_ => Redraw());
        _timer = Clock.CreateTimer(_ => Redraw(), null, Tick, Tick);
    }

    private void Redraw() => _ = InvokeAsync(() =>
    {
        _now = Clock.GetUtcNow();
        StateHasChanged();
    }).ContinueWith(t => DispatchExceptionAsync(t.Exception!), TaskContinuationOptions.OnlyOnFaulted);

    public void Dispose()
    {
        _subscription?.Dispose();
        _timer?.Dispose();
    }
}
