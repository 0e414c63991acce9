using System.Globalization;
using System.Text.RegularExpressions;
using CommandCenter.Domain.Incidents;
using YamlDotNet.Core;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace CommandCenter.Domain.Plans;

public sealed record PlanParseResult(PlanDocument? Plan, IReadOnlyDictionary<string, string[]> Errors)
{
    public bool IsValid => Plan is not null && Errors.Count == 0;
}

// Reads a plan document (YAML, of which JSON is a subset) and checks it whole, so an admin saving
// one sees every problem at once, each under the path of the field (levels[1].tasks[0].ownerRole).
// YamlDotNet maps only onto the plain classes below: no tags, no types chosen by the document.
public static partial class PlanParser
{
    public const int MaxDocumentChars = 64 * 1024;

    public static PlanParseResult Parse(string text, IReadOnlySet<string> roles)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(roles);
        if (text.Length > MaxDocumentChars) return Fail("", $"A plan is at most {MaxDocumentChars / 1024} KB.");
        PlanYaml? yaml;
        try
        {
            yaml = new DeserializerBuilder().WithNamingConvention(CamelCaseNamingConvention.Instance).Build().Deserialize<PlanYaml?>(text);
        }
        catch (YamlException ex)
        {
            var inner = ex.InnerException?.Message ?? ex.Message;
            return Fail("", string.Create(CultureInfo.InvariantCulture, $"Line {ex.Start.Line}, column {ex.Start.Column}: {inner}"));
        }
        if (yaml is null) return Fail("", "The plan is empty.");
        var errors = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        void Add(string field, string message)
        {
            if (!errors.TryGetValue(field, out var list)) errors[field] = list = [];
            list.Add(message);
        }

        if (yaml.Code is null || !CodePattern().IsMatch(yaml.Code)) Add("code", "code is required: 2–40 lower-case letters, digits or '-'.");
        if (yaml.Version is not (>= 1)) Add("version", "version is required, a whole number from 1.");
        if (string.IsNullOrWhiteSpace(yaml.Name) || yaml.Name.Length > 200) Add("name", "name is required, at most 200 characters.");
        var types = yaml.IncidentTypes ?? [];
        for (var i = 0; i < types.Count; i++)
            if (!IncidentCodes.TryParseType(types[i], out _)) Add($"incidentTypes[{i}]", $"'{types[i]}' is not an incident type ({string.Join(", ", IncidentCodes.TypeCodes)}).");
        var levels = new List<PlanLevel>();
        if (yaml.Levels is not { Count: > 0 }) Add("levels", "A plan needs at least one level.");
        for (var i = 0; i < (yaml.Levels?.Count ?? 0); i++)
        {
            var l = yaml.Levels![i];
            var at = $"levels[{i}]";
            if (!ResponseLevels.TryParse(l.Level, out var level))
            {
                Add($"{at}.level", "level must be I, II, III or IV.");
                continue;
            }
            if (levels.Any(x => x.Level == level)) Add($"{at}.level", $"Level {l.Level} appears twice.");
            var entry = new List<EntryRule>();
            for (var r = 0; r < (l.Entry?.Count ?? 0); r++)
                if (Rule(l.Entry![r], $"{at}.entry[{r}]", Add) is { } rule) entry.Add(rule);
            foreach (var (role, k) in (l.Notify?.Roles ?? []).Select((x, k) => (x, k)))
                if (!roles.Contains(role)) Add($"{at}.notify.roles[{k}]", $"'{role}' is not a role ({string.Join(", ", roles)}).");
            var tasks = new List<PlanTask>();
            for (var t = 0; t < (l.Tasks?.Count ?? 0); t++)
            {
                var task = l.Tasks![t];
                var tat = $"{at}.tasks[{t}]";
                if (task.Code is null || !CodePattern().IsMatch(task.Code)) Add($"{tat}.code", "code is required: lower-case letters, digits or '-'.");
                else if (tasks.Any(x => x.Code == task.Code)) Add($"{tat}.code", $"Task {task.Code} appears twice in this level.");
                if (string.IsNullOrWhiteSpace(task.Title) || task.Title.Length > 200) Add($"{tat}.title", "title is required, at most 200 characters.");
                if (task.OwnerRole is null || !roles.Contains(task.OwnerRole)) Add($"{tat}.ownerRole", $"ownerRole must be one of {string.Join(", ", roles)}.");
                if (!TryDuration(task.Due, out var due) || due <= TimeSpan.Zero || due > TimeSpan.FromDays(30))
                    Add($"{tat}.due", "due is required: a time after activation such as 30m, 2h or 1d (at most 30 days).");
                tasks.Add(new PlanTask(task.Code ?? "", task.Title ?? "", task.OwnerRole ?? "", due, task.Critical ?? false));
            }
            var leaders = l.Approval?.Leaders ?? [];
            var timeout = TimeSpan.FromMinutes(10);
            if (l.Approval?.Timeout is { } t0 && (!TryDuration(t0, out timeout) || timeout < TimeSpan.FromMinutes(1) || timeout > TimeSpan.FromHours(24)))
                Add($"{at}.approval.timeout", "timeout must be between 1m and 24h.");
            // "No skipping approval": Ⅱ and Ⅰ name the leaders who may approve entering them.
            if (ResponseLevels.NeedsLeaderApproval(level) && leaders.Count == 0)
                Add($"{at}.approval.leaders", $"Level {l.Level} needs at least one leader to approve it.");
            if (l.MapRadiusMeters is < 0 or > 50_000) Add($"{at}.mapRadiusMeters", "mapRadiusMeters must be between 0 and 50000.");
            levels.Add(new PlanLevel(level, entry, new PlanNotify(l.Notify?.Roles ?? [], l.Notify?.Leaders ?? []), tasks,
                new PlanApproval(leaders, timeout), l.MapRadiusMeters ?? 0));
        }
        var result = errors.ToDictionary(e => e.Key, e => e.Value.ToArray(), StringComparer.Ordinal);
        return result.Count > 0
            ? new PlanParseResult(null, result)
            : new PlanParseResult(new PlanDocument(yaml.Code!, yaml.Version!.Value, yaml.Name!.Trim(), types, [.. levels.OrderByDescending(l => l.Level)]), result);
    }

    private static EntryRule? Rule(RuleYaml r, string at, Action<string, string> add)
    {
        if (r.Kind is null || !EntryRuleKinds.All.Contains(r.Kind))
        {
            add($"{at}.kind", $"kind must be one of {string.Join(", ", EntryRuleKinds.All)}.");
            return null;
        }
        switch (r.Kind)
        {
            case EntryRuleKinds.Priority when !IncidentCodes.TryParsePriority(r.Priority, out _):
                add($"{at}.priority", $"priority must be one of {string.Join(", ", IncidentCodes.PriorityCodes)}.");
                return null;
            case EntryRuleKinds.Casualties or EntryRuleKinds.LinkageSupervised when r.Count is not (>= 1):
                add($"{at}.count", "count is required, at least 1.");
                return null;
            case EntryRuleKinds.Cluster when r.Count is not (>= 2) || r.Minutes is not (>= 1 and <= 10_080) || r.Meters is < 0 or > 20_000:
                add(at, "A cluster needs count (at least 2), minutes (1–10080) and meters (0 for one community, up to 20000).");
                return null;
        }
        return new EntryRule(r.Kind, r.Priority, r.Count ?? 0, r.Minutes ?? 0, r.Meters ?? 0);
    }

    // 30m, 2h, 1d, 90s, or a TimeSpan (00:30:00).
    public static bool TryDuration(string? text, out TimeSpan value)
    {
        value = default;
        if (string.IsNullOrWhiteSpace(text)) return false;
        var m = DurationPattern().Match(text.Trim());
        if (m.Success)
        {
            var n = double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
            value = m.Groups[2].Value switch { "s" => TimeSpan.FromSeconds(n), "m" => TimeSpan.FromMinutes(n), "h" => TimeSpan.FromHours(n), _ => TimeSpan.FromDays(n) };
            return true;
        }
        return TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out value);
    }

    private static PlanParseResult Fail(string field, string message) =>
        new(null, new Dictionary<string, string[]> { [field] = [message] });

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{1,39}$")]
    private static partial Regex CodePattern();

    [GeneratedRegex("^([0-9]+(?:\\.[0-9]+)?)\\s*([smhd])$")]
    private static partial Regex DurationPattern();

    // The document's own shape: everything optional here, so that what is missing is reported by name.
    private sealed class PlanYaml
    {
        public string? Code { get; set; }
        public int? Version { get; set; }
        public string? Name { get; set; }
        public List<string>? IncidentTypes { get; set; }
        public List<LevelYaml>? Levels { get; set; }
    }

    private sealed class LevelYaml
    {
        public string? Level { get; set; }
        public List<RuleYaml>? Entry { get; set; }
        public NotifyYaml? Notify { get; set; }
        public List<TaskYaml>? Tasks { get; set; }
        public ApprovalYaml? Approval { get; set; }
        public int? MapRadiusMeters { get; set; }
    }

    private sealed class RuleYaml
    {
        public string? Kind { get; set; }
        public string? Priority { get; set; }
        public int? Count { get; set; }
        public int? Minutes { get; set; }
        public int? Meters { get; set; }
    }

    private sealed class NotifyYaml
    {
        public List<string>? Roles { get; set; }
        public List<string>? Leaders { get; set; }
    }

    private sealed class TaskYaml
    {
        public string? Code { get; set; }
        public string? Title { get; set; }
        public string? OwnerRole { get; set; }
        public string? Due { get; set; }
        public bool? Critical { get; set; }
    }

    private sealed class ApprovalYaml
    {
        public List<string>? Leaders { get; set; }
        public string? Timeout { get; set; }
    }
}
