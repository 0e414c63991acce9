using System.Security.Claims;
using Bunit;
using CommandCenter.Domain.Plans;
using CommandCenter.Web.Features.Access;
using CommandCenter.Web.Features.Plans;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;

namespace CommandCenter.Tests.Features.Plans;

// Checks with the real parser and the store's rule on version numbers, and remembers what it was sent.
internal sealed class FakePlanLibrary : IPlanLibrary
{
    private static readonly DateTimeOffset SavedAt = new(2026, 11, 30, 1, 0, 0, TimeSpan.Zero);

    public List<PlanText> Saved { get; } = [];
    public List<string> Sent { get; } = [];

    public Task<IReadOnlyList<PlanVersionInfo>> ListAsync(CancellationToken ct = default) =>
        Task.FromResult<IReadOnlyList<PlanVersionInfo>>([.. Saved.GroupBy(p => p.Code).Select(g => Info(g.MaxBy(p => p.Version)!)).OrderBy(p => p.Code)]);

    public Task<PlanDetail?> GetAsync(string code, CancellationToken ct = default)
    {
        var versions = Saved.Where(p => p.Code == code).OrderByDescending(p => p.Version).ToList();
        return Task.FromResult(versions.Count == 0 ? null : new PlanDetail(versions[0], [.. versions.Select(Info)]));
    }

    public Task<PlanText?> GetVersionAsync(string code, int version, CancellationToken ct = default) =>
        Task.FromResult(Saved.FirstOrDefault(p => p.Code == code && p.Version == version));

    public Task<PlanSaveOutcome> SaveAsync(string document, Actor actor, CancellationToken ct = default)
    {
        Sent.Add(document);
        var parsed = PlanParser.Parse(document, PlanStore.KnownRoles);
        if (!parsed.IsValid) return Task.FromResult(new PlanSaveOutcome(null, parsed.Errors));
        var plan = parsed.Plan!;
        if (Saved.Where(p => p.Code == plan.Code).Select(p => (int?)p.Version).Max() is { } current && plan.Version <= current)
            return Task.FromResult(new PlanSaveOutcome(null, new Dictionary<string, string[]> { ["version"] = [$"Version {plan.Version} is not above the current version {current}."] }));
        var text = new PlanText(plan.Code, plan.Name, plan.Version, actor.Name, SavedAt, document);
        Saved.Add(text);
        return Task.FromResult(new PlanSaveOutcome(Info(text), new Dictionary<string, string[]>()));
    }

    public void Add(string code, int version, string name, string savedBy = "plans-folder") =>
        Saved.Add(new PlanText(code, name, version, savedBy, SavedAt, Document(code, version, name)));

    internal static string Document(string code, int version, string name, string ownerRole = "DutyOfficer", string due = "30m", string type = "other") => $$"""
        code: {{code}}
        version: {{version}}
        name: {{name}}
        incidentTypes: [{{type}}]
        levels:
          - level: IV
            notify: { roles: [DutyOfficer] }
            tasks:
              - { code: muster, title: 集合点清点人数, ownerRole: {{ownerRole}}, due: {{due}} }
        """;

    private static PlanVersionInfo Info(PlanText p) => new(p.Code, p.Name, p.Version, p.SavedBy, p.SavedAt);
}

public class PlanAdminPageTests : ComponentTestContext
{
    public PlanAdminPageTests() : base(services: s =>
    {
        s.AddSingleton<IPlanLibrary>(new FakePlanLibrary());
        s.AddSingleton<AuthenticationStateProvider>(new Admin());
        s.AddCascadingAuthenticationState();
    })
    {
    }

    private sealed class Admin : AuthenticationStateProvider
    {
        public override Task<AuthenticationState> GetAuthenticationStateAsync() =>
            Task.FromResult(new AuthenticationState(new ClaimsPrincipal(new ClaimsIdentity(
                [new Claim(ClaimTypes.Name, "admin"), new Claim(AccessClaims.DisplayName, "系统管理员"), new Claim(ClaimTypes.Role, Roles.Admin)], "test"))));
    }

    private FakePlanLibrary Library => (FakePlanLibrary)Services.GetRequiredService<IPlanLibrary>();

    private static AngleSharp.Dom.IElement Editor(IRenderedComponent<PlanAdminPage> cut)
    {
        var element = cut.Find("[data-testid=plan-editor]");
        return element.LocalName == "textarea" ? element : element.QuerySelector("textarea")!;
    }

    private static IRenderedComponent<PlanAdminPage> Open(IRenderedComponent<PlanAdminPage> cut, string code)
    {
        cut.Find($"[data-plan-code='{code}'] [data-testid=plan-open]").Click();
        return cut;
    }

    [Fact]
    public void The_list_shows_each_plans_current_version_and_opening_one_puts_its_yaml_in_the_editor()
    {
        Library.Add("flood", 1, "城市内涝防汛应急预案");
        Library.Add("flood", 2, "城市内涝防汛应急预案（修订）", savedBy: "系统管理员");
        Library.Add("gas-leak", 1, "<b>燃气泄漏</b>应急预案");

        var cut = Open(Render<PlanAdminPage>(), "flood");

        var flood = cut.Find("[data-plan-code='flood']");
        Assert.Contains("城市内涝防汛应急预案（修订）", flood.TextContent);
        Assert.Equal("2", flood.QuerySelector("[data-testid=plan-version]")!.TextContent);
        Assert.Contains("系统管理员", flood.TextContent);
        Assert.Contains("2026-11-30 09:00", flood.TextContent);
        Assert.Contains("<b>燃气泄漏</b>", cut.Find("[data-plan-code='gas-leak']").TextContent);
        Assert.Empty(cut.FindAll("[data-plan-code='gas-leak'] b"));
        Assert.Contains("version: 2", Editor(cut).GetAttribute("value") ?? Editor(cut).TextContent);
        Assert.Contains("当前版本 2", cut.Find("[data-testid=plan-editing]").TextContent);
        Assert.Equal("保存为新版本", cut.Find("[data-testid=plan-save]").TextContent.Trim());
    }

    [Fact]
    public void A_refused_document_lists_every_problem_by_its_field_path_as_text()
    {
        Library.Add("flood", 1, "城市内涝防汛应急预案");
        var cut = Open(Render<PlanAdminPage>(), "flood");

        Editor(cut).Change(FakePlanLibrary.Document("flood", 2, "城市内涝防汛应急预案", ownerRole: "Janitor", due: "soon", type: "<img src=x onerror=alert(1)>"));
        cut.Find("[data-testid=plan-save]").Click();

        var errors = cut.FindAll("[data-testid=plan-errors] li");
        Assert.Equal(["incidentTypes[0]", "levels[0].tasks[0].due", "levels[0].tasks[0].ownerRole"], errors.Select(e => e.GetAttribute("data-error-path")));
        Assert.StartsWith("levels[0].tasks[0].ownerRole", errors[2].TextContent);
        Assert.Contains("ownerRole must be one of", errors[2].TextContent);
        Assert.Contains("'<img src=x onerror=alert(1)>' is not an incident type", errors[0].TextContent);
        Assert.Empty(cut.FindAll("[data-testid=plan-errors] img"));
        Assert.Single(Library.Saved);
        Assert.Empty(Services.GetRequiredService<ISnackbar>().ShownSnackbars);
    }

    [Fact]
    public void Saving_sends_the_editors_text_through_the_seam_then_a_snackbar_says_so_and_the_list_shows_the_new_version()
    {
        Library.Add("flood", 1, "城市内涝防汛应急预案");
        var cut = Open(Render<PlanAdminPage>(), "flood");

        cut.Find("[data-testid=plan-save]").Click();
        Assert.Contains("not above the current version 1", cut.Find("[data-error-path='version']").TextContent);

        var edited = FakePlanLibrary.Document("flood", 2, "城市内涝防汛应急预案（修订）");
        Editor(cut).Change(edited);
        cut.Find("[data-testid=plan-save]").Click();

        Assert.Equal(edited, Library.Sent[^1]);
        Assert.Equal("系统管理员", Library.Saved[^1].SavedBy);
        Assert.Contains("已保存：城市内涝防汛应急预案（修订），版本 2。", Services.GetRequiredService<ISnackbar>().ShownSnackbars.Select(s => s.Message));
        Assert.Equal("2", cut.Find("[data-plan-code='flood'] [data-testid=plan-version]").TextContent);
        Assert.Empty(cut.FindAll("[data-testid=plan-errors]"));
    }

    [Fact]
    public void A_new_plan_starts_from_a_template_that_passes_once_its_code_is_changed()
    {
        var cut = Render<PlanAdminPage>();
        Assert.NotNull(cut.Find("[data-testid=plan-list-empty]"));

        cut.Find("[data-testid=plan-new]").Click();
        Editor(cut).Change(PlanAdminPage.NewPlanTemplate.Replace("new-plan", "drill", StringComparison.Ordinal));
        cut.Find("[data-testid=plan-save]").Click();

        Assert.Equal(("drill", 1), (Library.Saved.Single().Code, Library.Saved.Single().Version));
        Assert.NotNull(cut.Find("[data-plan-code='drill']"));
    }

    [Fact]
    public async Task An_older_version_is_shown_read_only_and_can_be_loaded_into_the_editor()
    {
        Library.Add("flood", 1, "城市内涝防汛应急预案");
        Library.Add("flood", 2, "城市内涝防汛应急预案（修订）");
        var cut = Open(Render<PlanAdminPage>(), "flood");

        var versions = cut.FindComponent<MudSelect<int?>>();
        Assert.Equal(2, versions.FindComponents<MudSelectItem<int?>>().Count);
        await cut.InvokeAsync(() => versions.Instance.ValueChanged.InvokeAsync(1));

        var old = cut.Find("[data-testid=plan-old-version]");
        var oldArea = old.LocalName == "textarea" ? old : old.QuerySelector("textarea")!;
        Assert.True(oldArea.HasAttribute("readonly"));
        Assert.Contains("version: 1", oldArea.GetAttribute("value") ?? oldArea.TextContent);
        cut.Find("[data-testid=plan-load]").Click();
        Assert.Contains("version: 1", Editor(cut).GetAttribute("value") ?? Editor(cut).TextContent);
    }

    [Fact]
    public void Before_the_page_is_interactive_its_buttons_are_disabled()
    {
        Library.Add("flood", 1, "城市内涝防汛应急预案");
        SetRendererInfo(new Microsoft.AspNetCore.Components.RendererInfo("Static", false));

        var cut = Render<PlanAdminPage>();

        Assert.True(cut.Find("[data-testid=plan-new]").HasAttribute("disabled"));
        Assert.True(cut.Find("[data-testid=plan-open]").HasAttribute("disabled"));
    }
}
