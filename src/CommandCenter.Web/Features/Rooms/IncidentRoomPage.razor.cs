using CommandCenter.Web.Features.Access;
using CommandCenter.Web.Features.Incidents;
using CommandCenter.Web.Live;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;

namespace CommandCenter.Web.Features.Rooms;

public sealed partial class IncidentRoomPage
{
    private static readonly TimeSpan HeartbeatInterval = TimeSpan.FromSeconds(15);
    private readonly string _session = Guid.NewGuid().ToString("N");
    private readonly CancellationTokenSource _stop = new();
    private RoomState? _room;
    private bool _missing;
    private bool _isLeader;
    private bool _canHandle;
    private Actor _me = Actor.System("anonymous");
    private PresentPerson? _person;
    private string _userId = "";
    private IDisposable? _subscription;
    private int _reloadQueued;

    [Parameter] public long Id { get; set; }

    [CascadingParameter] private Task<AuthenticationState> AuthenticationState { get; set; } = default!;

    [CascadingParameter(Name = ClientAddress.CascadeName)] private ClientAddress? Client { get; set; }

    [Inject] private IncidentRoomService Rooms { get; set; } = default!;

    [Inject] private LiveBus Bus { get; set; } = default!;

    protected override async Task OnInitializedAsync()
    {
        var user = (await AuthenticationState).User;
        _me = Actor.From(user, Client?.Value);
        _userId = _me.Id;
        _isLeader = user.IsInRole(Roles.Leader) || user.IsInRole(Roles.Admin);
        _canHandle = user.IsInRole(Roles.Dispatcher) || user.IsInRole(Roles.DutyOfficer) || user.IsInRole(Roles.Admin);
        var role = Roles.All.FirstOrDefault(user.IsInRole) ?? "";
        _person = new PresentPerson(user.Identity?.Name ?? _me.Id, _me.Name, role);
        // Subscribe before reading, so nothing between the read and the subscription is missed.
        _subscription = Bus.Subscribe(LiveStreams.Incidents, e =>
        {
            if (Concerns(e)) QueueReload();
        });
        await ReloadAsync();
        if (RendererInfo.IsInteractive) _ = BeatAsync();
    }

    private bool Concerns(LiveEvent e) =>
        e.Payload.TryGetProperty(e.Type == IncidentEvents.RoomChanged ? "incidentId" : "id", out var id) && id.GetInt64() == Id;

    // Bursts of events become one reload and one render.
    private void QueueReload()
    {
        if (Interlocked.Exchange(ref _reloadQueued, 1) == 1) return;
        _ = InvokeAsync(async () =>
        {
            await Task.Delay(200);
            Interlocked.Exchange(ref _reloadQueued, 0);
            await ReloadAsync();
            StateHasChanged();
        });
    }

    private async Task ReloadAsync()
    {
        try
        {
            _room = await Rooms.GetAsync(Id, _stop.Token);
            _missing = _room is null;
        }
        catch (OperationCanceledException)
        {
            // the page is closing
        }
    }

    private async Task BeatAsync()
    {
        using var timer = new PeriodicTimer(HeartbeatInterval);
        try
        {
            do
            {
                await Rooms.HeartbeatAsync(_session, Id, _person!, _stop.Token);
            } while (await timer.WaitForNextTickAsync(_stop.Token));
        }
        catch (OperationCanceledException)
        {
            // left the room
        }
        catch (Exception ex)
        {
            await DispatchExceptionAsync(ex);
        }
    }

    private async Task<IReadOnlyDictionary<string, string[]>> InstructAsync(Instruction instruction) =>
        await Rooms.InstructAsync(Id, instruction, _me);

    private Task CompleteAsync(long taskId) => Rooms.CompleteTaskAsync(taskId, _me);

    [Inject] private IncidentService Incidents { get; set; } = default!;

    private int? _casualties;

    // The count the desk typed, saved; the room reloads from the live event like any change.
    private async Task SaveCasualtiesAsync()
    {
        if (_casualties is not (>= 0 and <= CommandCenter.Domain.Incidents.IncidentReportRules.MaxCasualties) || _casualties is not { } count) return;
        await Incidents.SetCasualtiesAsync(Id, count, _me);
        _casualties = null;
    }

    private Task SetLeadershipAsync(bool lead, bool on) => Rooms.SetLeadershipAsync(Id, _userId, lead, on, _me);

    // The plans' own lines of the timeline: the level history the plan panel shows.
    private IReadOnlyList<TimelineEntry> PlanHistory => _room is null ? [] : [.. _room.Timeline.Where(e => e.Kind == TimelineKinds.Plan)];

    private string Describe(TimelineEntry e) => TimelineText.Describe(e, L);

    public async ValueTask DisposeAsync()
    {
        _subscription?.Dispose();
        await _stop.CancelAsync();
        _stop.Dispose();
        try
        {
            await Rooms.LeaveAsync(_session);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // Leaving is best effort: the heartbeat timeout removes the session anyway.
        }
    }
}
