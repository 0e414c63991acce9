using Microsoft.Extensions.Localization;

namespace CommandCenter.Web.Features.Incidents;

// One line of an incident's timeline in the reader's language, the same in the room, on the
// board and on the responder's phone.
public static class TimelineText
{
    public static string Describe(TimelineEntry e, IStringLocalizer<Strings> L) => e.Kind switch
    {
        TimelineKinds.Reported => $"{L["TimelineReported"]}: {e.Text}",
        TimelineKinds.Status => $"{L["TimelineStatus"]}: {L[$"Status_{e.Text}"]}",
        TimelineKinds.Instruction => $"{L["TimelineInstruction"]} → {L[$"Role_{e.Addressee}"]}: {e.Text}",
        TimelineKinds.Lead => e.Text == "on" ? L["TimelineLeadOn"] : L["TimelineLeadOff"],
        TimelineKinds.Supervision => e.Text == "on" ? L["TimelineSupervisionOn"] : L["TimelineSupervisionOff"],
        TimelineKinds.TaskDone => $"{L["TimelineTaskDone"]}: {e.Text}",
        TimelineKinds.UnitDispatched or TimelineKinds.UnitEnRoute or TimelineKinds.UnitOnScene or TimelineKinds.UnitCleared =>
            $"{e.Text} {L[$"Timeline_{e.Kind}"]}",
        TimelineKinds.LinkedReport => string.IsNullOrEmpty(e.Text) ? L["Timeline_linked_report"] : $"{L["Timeline_linked_report"]}: {e.Text}",
        TimelineKinds.Outcome => $"{L["Timeline_outcome"]}: {e.Text}",
        TimelineKinds.Verification => $"{L["Timeline_verification"]}: {e.Text}",
        TimelineKinds.Note => $"{L["Timeline_note"]}: {e.Text}",
        TimelineKinds.Plan => $"{L["Timeline_plan"]}: {e.Text}",
        TimelineKinds.Casualties => L["TimelineCasualties", e.Text],
        TimelineKinds.FromLinkageAlert => $"{L["Timeline_from_linkage_alert"]}: {e.Text}",
        _ => e.Text,
    };
}
