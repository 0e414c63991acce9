using MudBlazor;

namespace CommandCenter.Web.Features.Plans;

public partial class PlanAdminPage
{
    // What "new plan" puts in the editor: the smallest document that passes, to be filled in.
    internal const string NewPlanTemplate = """
        code: new-plan
        version: 1
        name: 新预案
        incidentTypes: [other]
        levels:
          - level: IV
            notify: { roles: [DutyOfficer, Dispatcher] }
            tasks:
              - { code: first-task, title: 第一项任务, ownerRole: DutyOfficer, due: 30m }
            mapRadiusMeters: 1000

        """;

    private IReadOnlyList<PlanVersionInfo> _plans = [];
    private PlanDetail? _open;
    private PlanText? _viewing;
    private string? _document;
    private IReadOnlyDictionary<string, string[]> _errors = new Dictionary<string, string[]>();
    private bool _saving;

    protected override async Task OnInitializedAsync() => _plans = await Plans.ListAsync();

    private async Task OpenAsync(string code)
    {
        _open = await Plans.GetAsync(code);
        (_document, _viewing, _errors) = (_open?.Current.Document, null, new Dictionary<string, string[]>());
    }

    private void NewPlan()
    {
        (_open, _document, _viewing, _errors) = (null, NewPlanTemplate, null, new Dictionary<string, string[]>());
    }

    private async Task ViewAsync(int? version) =>
        _viewing = version is { } v && _open is { } open ? await Plans.GetVersionAsync(open.Current.Code, v) : null;

    // An older version goes into the editor as it was; saving it still needs a version number above the current one.
    private void LoadViewed() => _document = _viewing?.Document ?? _document;

    // The store checks the whole document (the same rules as the API) and names each problem by its path.
    private async Task SaveAsync()
    {
        if (_document is null) return;
        _saving = true;
        try
        {
            var result = await Plans.SaveAsync(_document, await MeAsync());
            if (result.Saved is not { } saved)
            {
                _errors = result.Errors;
                return;
            }
            Snackbar.Add(L["PlanAdminSaved", saved.Name, saved.Version], Severity.Success);
            _plans = await Plans.ListAsync();
            await OpenAsync(saved.Code);
        }
        finally
        {
            _saving = false;
        }
    }
}
