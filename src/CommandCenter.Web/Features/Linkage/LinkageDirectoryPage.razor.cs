using System.Globalization;
using System.Text.RegularExpressions;
using CommandCenter.Domain.Linkage;

namespace CommandCenter.Web.Features.Linkage;

public partial class LinkageDirectoryPage
{
    // The "any" choice of a limit rule's category or priority (null in the draft).
    private const string Any = "";

    private IReadOnlyList<LinkageDirectoryUnit> _units = [];
    private DirectoryForm _form = new();
    private LinkageDirectoryUnit? _editing;
    private Dictionary<string, string[]> _errors = [];
    private string? _saved;
    private bool _saving;

    protected override async Task OnInitializedAsync() => _units = await Directory.ListAsync();

    private bool Has(string field) => _errors.ContainsKey(field);

    private string? ErrorOf(string field) => _errors.TryGetValue(field, out var messages) ? string.Join(" ", messages) : null;

    private string CategoryLabel(string? code) => string.IsNullOrEmpty(code) ? "" : L[$"LinkageCategory_{code}"];

    private string CategoryOrAny(string? code) => string.IsNullOrEmpty(code) ? L["DirectoryLimitAny"] : CategoryLabel(code);

    private string PriorityOrAny(string? code) => string.IsNullOrEmpty(code) ? L["DirectoryLimitAny"] : L[$"Priority_{code}"];

    private string LimitSummary(StepLimitRule rule) =>
        L["DirectoryLimitSummary", CategoryOrAny(rule.Category), PriorityOrAny(rule.Priority), rule.Limits.Acknowledge.TotalMinutes.ToString("0", CultureInfo.CurrentCulture),
            rule.Limits.Arrive.TotalMinutes.ToString("0", CultureInfo.CurrentCulture), rule.Limits.Feedback.TotalHours.ToString("0.##", CultureInfo.CurrentCulture)];

    private void New()
    {
        (_form, _editing, _errors, _saved) = (new(), null, [], null);
    }

    private void Edit(LinkageDirectoryUnit unit)
    {
        (_form, _editing, _errors, _saved) = (DirectoryForm.Of(unit), unit, [], null);
    }

    // The service validates (the same rules as the API) and names the fields; they show beside them.
    private async Task SaveAsync()
    {
        _saving = true;
        try
        {
            var draft = _form.ToDraft();
            var result = _editing is { } unit
                ? await Directory.UpdateAsync(unit.Id, draft, await MeAsync())
                : await Directory.CreateAsync(draft, await MeAsync());
            if (result.Unit is not { } saved)
            {
                (_errors, _saved) = (new(result.Errors), null);
                return;
            }
            New();
            _saved = saved.Name;
            _units = await Directory.ListAsync();
        }
        finally
        {
            _saving = false;
        }
    }

    internal sealed partial class DirectoryForm
    {
        public string? Code { get; set; }
        public string? Name { get; set; }
        public IReadOnlyCollection<string> Categories { get; set; } = [];
        public string? AreaCodes { get; set; }
        public string? SupervisorName { get; set; }
        public string? SupervisorUserName { get; set; }
        public List<LimitRow> Limits { get; } = [];

        public static DirectoryForm Of(LinkageDirectoryUnit unit)
        {
            var form = new DirectoryForm
            {
                Code = unit.Code, Name = unit.Name, Categories = [.. unit.Categories], AreaCodes = string.Join(" ", unit.AreaCodes),
                SupervisorName = unit.SupervisorName, SupervisorUserName = unit.SupervisorUserName,
            };
            form.Limits.AddRange(unit.Limits.Select(r => new LimitRow
            {
                Category = r.Category ?? Any, Priority = r.Priority ?? Any, AcknowledgeMinutes = (int)r.Limits.Acknowledge.TotalMinutes,
                ArriveMinutes = (int)r.Limits.Arrive.TotalMinutes, FeedbackHours = r.Limits.Feedback.TotalHours,
            }));
            return form;
        }

        // Codes separated by commas (either width), 、 or spaces; an empty box is the whole district.
        public LinkageUnitDraft ToDraft() => new(
            Code?.Trim(), Name, [.. Categories], [.. Separators().Split(AreaCodes ?? "").Where(c => c.Length > 0)],
            Blank(SupervisorName), Blank(SupervisorUserName)?.Trim(),
            [.. Limits.Select(r => new StepLimitRule(Blank(r.Category), Blank(r.Priority), new StepLimits(
                TimeSpan.FromMinutes(r.AcknowledgeMinutes ?? 0), TimeSpan.FromMinutes(r.ArriveMinutes ?? 0), TimeSpan.FromHours(r.FeedbackHours ?? 0))))]);

        private static string? Blank(string? text) => string.IsNullOrWhiteSpace(text) ? null : text;

        [GeneratedRegex(@"[\s,，、;；]+")]
        private static partial Regex Separators();
    }

    internal sealed class LimitRow
    {
        public string Category { get; set; } = Any;
        public string Priority { get; set; } = Any;
        public int? AcknowledgeMinutes { get; set; }
        public int? ArriveMinutes { get; set; }
        public double? FeedbackHours { get; set; }
    }
}
