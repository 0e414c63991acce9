using System.Text.Json;
using CommandCenter.Domain.Dispatch;
using CommandCenter.Web.Features.Access;
using CommandCenter.Web.Features.Incidents;
using CommandCenter.Web.Features.Rooms;
using CommandCenter.Web.Live;

namespace CommandCenter.Web.Features.Dispatch;

// The responder page's decisions, kept out of the component so they are tested on their own.
public static class ResponderRules
{
    // The one step a responder takes next. The domain also lets a unit arrive or clear without
    // departing, but one big button per stage is what a hand in a glove can hit.
    public static AssignmentStep? NextStep(AssignmentStatus status) => status switch
    {
        AssignmentStatus.Dispatched => AssignmentStep.Depart,
        AssignmentStatus.EnRoute => AssignmentStep.Arrive,
        AssignmentStatus.OnScene => AssignmentStep.Clear,
        _ => null,
    };

    // The resource key of a step's button: 出发, 到达现场, 处置完毕.
    public static string StepLabelKey(AssignmentStep step) => $"Step_{AssignmentCodes.ToCode(step)}";

    public static bool IsForResponders(TimelineEntry entry) => entry.Kind == TimelineKinds.Instruction && entry.Addressee == Roles.Responder;

    // Whether a live event may change what the page shows: anything about the incident it shows, or
    // an incident whose units include this callsign still active (a new assignment).
    public static bool Concerns(LiveEvent e, string callsign, long? shownIncidentId)
    {
        var payload = e.Payload;
        if (payload.ValueKind != JsonValueKind.Object) return false;
        if (e.Type == IncidentEvents.RoomChanged)
            return shownIncidentId is { } shown && payload.TryGetProperty("incidentId", out var room) && room.TryGetInt64(out var id) && id == shown;
        if (payload.TryGetProperty("id", out var incident) && incident.TryGetInt64(out var incidentId) && incidentId == shownIncidentId) return true;
        if (!payload.TryGetProperty("assignments", out var units) || units.ValueKind != JsonValueKind.Array) return false;
        foreach (var unit in units.EnumerateArray())
        {
            if (unit.TryGetProperty("callsign", out var c) && c.GetString() == callsign
                && (!unit.TryGetProperty("clearedAt", out var cleared) || cleared.ValueKind == JsonValueKind.Null))
                return true;
        }
        return false;
    }
}
