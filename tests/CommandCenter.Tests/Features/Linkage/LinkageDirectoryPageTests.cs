using System.Security.Claims;
using Bunit;
using CommandCenter.Domain.Linkage;
using CommandCenter.Web.Features.Access;
using CommandCenter.Web.Features.Linkage;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.Extensions.DependencyInjection;

namespace CommandCenter.Tests.Features.Linkage;

// Validates with the real rules, as the service does, and remembers what it was sent.
internal sealed class FakeLinkageDirectory : ILinkageDirectory
{
    public List<LinkageDirectoryUnit> Units { get; } = [];
    public List<(long? Id, LinkageUnitDraft Draft)> Sent { get; } = [];

    public Task<IReadOnlyList<LinkageDirectoryUnit>> ListAsync(CancellationToken ct = default) => Task.FromResult<IReadOnlyList<LinkageDirectoryUnit>>([.. Units]);

    public Task<LinkageDirectoryResult> CreateAsync(LinkageUnitDraft draft, Actor actor, CancellationToken ct = default) => Save(null, draft, creating: true);

    public Task<LinkageDirectoryResult> UpdateAsync(long id, LinkageUnitDraft draft, Actor actor, CancellationToken ct = default) => Save(id, draft, creating: false);

    private Task<LinkageDirectoryResult> Save(long? id, LinkageUnitDraft draft, bool creating)
    {
        Sent.Add((id, draft));
        if (LinkageDirectoryRules.Validate(draft, creating) is { Count: > 0 } errors) return Task.FromResult(new LinkageDirectoryResult(null, 400, errors));
        var unit = Unit(id ?? 100, draft.Code ?? "water", draft.Name!) with { AreaCodes = [.. draft.AreaCodes ?? []], Limits = [.. draft.Limits ?? []] };
        Units.RemoveAll(u => u.Id == unit.Id);
        Units.Add(unit);
        return Task.FromResult(new LinkageDirectoryResult(unit, creating ? 201 : 200, new Dictionary<string, string[]>()));
    }

    internal static LinkageDirectoryUnit Unit(long id, string code, string name) =>
        new(id, code, name, ["water"], [], 26.3, "王建国", "water-lead",
            [new StepLimitRule("water", null, new StepLimits(TimeSpan.FromMinutes(2), TimeSpan.FromMinutes(20), TimeSpan.FromHours(12)))],
            [new LinkageOperatorView("water", "自来水公司 联动员", Locked: false)], DateTimeOffset.UnixEpoch, null);
}

public class LinkageDirectoryPageTests : ComponentTestContext
{
    public LinkageDirectoryPageTests() : base(services: s =>
    {
        s.AddSingleton<ILinkageDirectory>(new FakeLinkageDirectory());
        s.AddSingleton<AuthenticationStateProvider>(new Admin());
        s.AddCascadingAuthenticationState();
    })
    {
    }

    private sealed class Admin : AuthenticationStateProvider
    {
        public override Task<AuthenticationState> GetAuthenticationStateAsync() =>
            Task.FromResult(new AuthenticationState(new ClaimsPrincipal(new ClaimsIdentity(
                [new Claim(ClaimTypes.Name, "admin"), new Claim(ClaimTypes.Role, Roles.Admin)], "test"))));
    }

    // A MudBlazor field: its input (the test id lands on it or on its wrapper) and the control around it, where its error shows.
    private static AngleSharp.Dom.IElement Input(IRenderedComponent<LinkageDirectoryPage> cut, string testId)
    {
        var element = cut.Find($"[data-testid={testId}]");
        return element.LocalName == "input" ? element : element.QuerySelector("input")!;
    }

    private static string ControlText(IRenderedComponent<LinkageDirectoryPage> cut, string testId) =>
        Input(cut, testId).Closest(".mud-input-control")!.TextContent;

    private FakeLinkageDirectory Directory => (FakeLinkageDirectory)Services.GetRequiredService<ILinkageDirectory>();

    [Fact]
    public void The_directory_shows_each_unit_with_its_categories_area_supervisor_operators_and_limits_in_chinese()
    {
        Directory.Units.Add(FakeLinkageDirectory.Unit(1, "water", "杭州水务 上城供水服务所") with { Name = "<b>杭州水务</b>" });

        var cut = Render<LinkageDirectoryPage>();

        var row = cut.Find("[data-unit-code='water']");
        Assert.Contains("供水", row.TextContent);
        Assert.Contains("全区", row.TextContent);
        Assert.Contains("water-lead", row.TextContent);
        Assert.Contains("自来水公司 联动员", row.TextContent);
        Assert.Contains("供水·任意：签收 2 分钟，到场 20 分钟，反馈 12 小时", row.TextContent);
        Assert.Contains("<b>杭州水务</b>", row.TextContent);
        Assert.Empty(row.QuerySelectorAll("b"));
    }

    [Fact]
    public void A_field_the_rules_refuse_shows_its_error_beside_it_and_editing_sends_the_changed_draft()
    {
        Directory.Units.Add(FakeLinkageDirectory.Unit(7, "water", "杭州水务 上城供水服务所"));
        var cut = Render<LinkageDirectoryPage>();

        Input(cut, "directory-code").Input("Bad Code");
        cut.Find("[data-testid=directory-save]").Click();

        Assert.Contains("code is required", ControlText(cut, "directory-code"));
        Assert.Contains("name is required", ControlText(cut, "directory-name"));

        cut.Find("[data-testid=directory-edit]").Click();
        Input(cut, "directory-name").Input("清波街道 供水抢修队");
        Input(cut, "directory-area-codes").Input("330102001， 330102001002 ");
        cut.Find("[data-testid=directory-save]").Click();

        var (id, draft) = Directory.Sent[^1];
        Assert.Equal(7, id);
        Assert.Equal("清波街道 供水抢修队", draft.Name);
        Assert.Equal(["water"], draft.Categories);
        Assert.Equal(["330102001", "330102001002"], draft.AreaCodes);
        Assert.Equal("water-lead", draft.SupervisorUserName);
        Assert.Equal(TimeSpan.FromMinutes(2), Assert.Single(draft.Limits!).Limits.Acknowledge);
        Assert.NotNull(cut.Find("[data-testid=directory-saved]"));
        Assert.Empty(cut.FindAll(".mud-input-error"));
    }

    [Fact]
    public void Before_the_page_is_interactive_its_controls_are_disabled()
    {
        SetRendererInfo(new Microsoft.AspNetCore.Components.RendererInfo("Static", false));

        var cut = Render<LinkageDirectoryPage>();

        Assert.True(cut.Find("[data-testid=directory-save]").HasAttribute("disabled"));
        Assert.True(Input(cut, "directory-name").HasAttribute("disabled"));
    }
}
