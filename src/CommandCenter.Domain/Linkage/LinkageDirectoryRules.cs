using System.Text.RegularExpressions;
using CommandCenter.Domain.Incidents;

namespace CommandCenter.Domain.Linkage;

// A linkage unit as an administrator enters it in the directory (联动单位名录).
// AreaCodes: subdistrict, community or grid codes whose union is the area it covers; empty means
// the whole district. Limits: its own time limits, before the center's (AlertLadder.LimitsFor).
public sealed record LinkageUnitDraft(
    string? Code, string? Name, IReadOnlyList<string>? Categories, IReadOnlyList<string>? AreaCodes,
    string? SupervisorName, string? SupervisorUserName, IReadOnlyList<StepLimitRule>? Limits);

public static partial class LinkageDirectoryRules
{
    public const int MaxNameLength = 120;
    public const int MaxLimitRules = 40;
    private static readonly TimeSpan Shortest = TimeSpan.FromMinutes(1), Longest = TimeSpan.FromDays(30);

    // Field names are the JSON names the API receives, so a client (and the page) can point at them.
    public static Dictionary<string, string[]> Validate(LinkageUnitDraft draft, bool creating)
    {
        ArgumentNullException.ThrowIfNull(draft);
        var errors = new Dictionary<string, string[]>();
        if (creating && (draft.Code is null || !CodePattern().IsMatch(draft.Code)))
            errors["code"] = ["code is required: 2–40 lower-case letters, digits or '-' (operators' accounts name their unit by it)."];
        if (string.IsNullOrWhiteSpace(draft.Name) || draft.Name.Trim().Length > MaxNameLength)
            errors["name"] = [$"name is required, at most {MaxNameLength} characters."];
        if (draft.Categories is not { Count: > 0 })
            errors["categories"] = ["Choose at least one category the unit handles."];
        else if (draft.Categories.FirstOrDefault(c => !LinkageCategories.TryParse(c, out _)) is { } unknown)
            errors["categories"] = [$"'{unknown}' is not a category; use {string.Join(", ", LinkageCategories.Codes)}."];
        if (draft.AreaCodes?.Any(string.IsNullOrWhiteSpace) == true)
            errors["areaCodes"] = ["An area code is empty."];
        if (draft.SupervisorName?.Trim().Length > MaxNameLength)
            errors["supervisorName"] = [$"supervisorName must be at most {MaxNameLength} characters."];
        var limits = draft.Limits ?? [];
        if (limits.Count > MaxLimitRules) errors["limits"] = [$"At most {MaxLimitRules} limit rules."];
        for (var i = 0; i < Math.Min(limits.Count, MaxLimitRules); i++)
        {
            var rule = limits[i];
            if (rule.Category is not null && !LinkageCategories.TryParse(rule.Category, out _))
                errors[$"limits[{i}].category"] = [$"'{rule.Category}' is not a category."];
            if (rule.Priority is not null && !IncidentCodes.TryParsePriority(rule.Priority, out _))
                errors[$"limits[{i}].priority"] = [$"priority must be one of {string.Join(", ", IncidentCodes.PriorityCodes)}."];
            if (rule.Limits is not { } l)
            {
                errors[$"limits[{i}]"] = ["acknowledge, arrive and feedback are required."];
                continue;
            }
            foreach (var (name, value) in new[] { ("acknowledge", l.Acknowledge), ("arrive", l.Arrive), ("feedback", l.Feedback) })
                if (value < Shortest || value > Longest)
                    errors[$"limits[{i}].{name}"] = [$"{name} must be between 1 minute and 30 days."];
            if (l.Acknowledge > l.Arrive || l.Arrive > l.Feedback)
                errors[$"limits[{i}]"] = ["A unit cannot owe arrival before acknowledgement, or feedback before arrival: acknowledge ≤ arrive ≤ feedback."];
        }
        var duplicate = limits.GroupBy(r => (r.Category, r.Priority)).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
            errors.TryAdd("limits", [$"Two rules for the same category and priority ({duplicate.Key.Category ?? "any"}, {duplicate.Key.Priority ?? "any"})."]);
        return errors;
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{1,39}$")]
    private static partial Regex CodePattern();
}
