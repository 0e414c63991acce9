using System.Security.Claims;
using Bunit;
using CommandCenter.Domain.Dispatch;
using CommandCenter.Domain.Linkage;
using CommandCenter.Web.Features.Access;
using CommandCenter.Web.Features.Linkage;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.Extensions.DependencyInjection;

namespace CommandCenter.Tests.Features.Linkage;

internal sealed class FakeLinkageInbox : ILinkageInbox
{
    public List<string> Commands { get; } = [];
    public LinkageInboxView View { get; set; } = new(false, "杭州水务 上城供水服务所", [], []);
    public Refusal? Refuse { get; set; }
    private Action? _changed;

    public Task<LinkageInboxView> LoadAsync(ClaimsPrincipal user, CancellationToken ct = default) => Task.FromResult(View);

    public Task StepAsync(ClaimsPrincipal user, long alertId, AlertStep move, string? feedback, Actor actor, CancellationToken ct = default) =>
        Run($"{AlertLadder.Codes.ToCode(move)} {alertId} {feedback}".TrimEnd());

    public Task HandBackAsync(ClaimsPrincipal user, long alertId, string reason, Actor actor, CancellationToken ct = default) => Run($"hand-back {alertId} {reason}");

    public Task RouteAsync(long alertId, long unitId, Actor actor, CancellationToken ct = default) => Run($"route {alertId} {unitId}");

    public Task AttachPhotoAsync(ClaimsPrincipal user, long alertId, byte[] bytes, Actor actor, CancellationToken ct = default) =>
        Run($"photo {alertId} {bytes.Length}");

    public async Task<long?> ToIncidentAsync(long alertId, Actor actor, CancellationToken ct = default)
    {
        await Run($"to-incident {alertId}");
        return 900 + alertId;
    }

    public IDisposable OnChanged(Action changed)
    {
        _changed = changed;
        return new Off(() => _changed = null);
    }

    public void Change() => _changed?.Invoke();

    private Task Run(string command)
    {
        Commands.Add(command);
        return Refuse is { } r ? throw new LinkageRefusedException(r, 409) : Task.CompletedTask;
    }

    private sealed class Off(Action off) : IDisposable
    {
        public void Dispose() => off();
    }
}

public class LinkagePageTests : ComponentTestContext
{
    private static readonly DateTimeOffset Now = new(2026, 12, 2, 2, 0, 0, TimeSpan.Zero);

    public LinkagePageTests() : base(services: s =>
    {
        s.AddSingleton<ILinkageInbox>(new FakeLinkageInbox());
        s.AddSingleton<CommandCenter.Web.Features.Notifications.INotificationInbox>(new Notifications.FakeNotificationInbox());
        s.AddSingleton<AuthenticationStateProvider>(new Operator());
        s.AddCascadingAuthenticationState();
    })
    {
    }

    private sealed class Operator : AuthenticationStateProvider
    {
        public override Task<AuthenticationState> GetAuthenticationStateAsync() =>
            Task.FromResult(new AuthenticationState(new ClaimsPrincipal(new ClaimsIdentity(
                [new Claim(ClaimTypes.Name, "water"), new Claim(ClaimTypes.Role, Roles.LinkageOperator), new Claim(AccessClaims.Unit, "water")], "test"))));
    }

    private FakeLinkageInbox Inbox => (FakeLinkageInbox)Services.GetRequiredService<ILinkageInbox>();

    internal static LinkageAlertView Alert(long id, string state, string? description = "路面冒水", bool overdue = false, bool supervised = false) =>
        new(id, $"110-{id}", "water", "high", state, false, 1, "杭州水务 上城供水服务所", 30.24, 120.17, "吴山广场东侧", description,
            "13800002222", Now, Now, Now.AddMinutes(5), Now.AddMinutes(30), Now.AddHours(24), null, null, null, null,
            overdue ? 1 : 0, overdue, supervised, null);

    [Fact]
    public void An_operator_sees_each_alert_with_its_countdown_and_the_one_next_step()
    {
        Inbox.View = Inbox.View with { Alerts = [Alert(1, "routed"), Alert(2, "acknowledged"), Alert(3, "on_scene")] };

        var cut = Render<LinkagePage>();

        var first = cut.Find("[data-alert-id='1']");
        Assert.Contains("供水", first.TextContent);
        Assert.Contains("签收剩余", first.TextContent);
        Assert.Equal(Now.AddMinutes(5).ToString("O", System.Globalization.CultureInfo.InvariantCulture),
            first.QuerySelector("[data-testid=countdown]")!.GetAttribute("data-timer-until"));
        Assert.NotNull(first.QuerySelector("[data-testid=acknowledge]"));
        Assert.NotNull(cut.Find("[data-alert-id='2'] [data-testid=arrive]"));
        Assert.NotNull(cut.Find("[data-alert-id='3'] [data-testid=feedback]"));
        Assert.Empty(cut.FindAll("[data-alert-id='3'] [data-testid=hand-back]"));
    }

    [Fact]
    public void Acknowledging_and_reporting_back_send_the_step_and_feedback_needs_words()
    {
        Inbox.View = Inbox.View with { Alerts = [Alert(1, "routed"), Alert(3, "on_scene")] };
        var cut = Render<LinkagePage>();

        cut.Find("[data-testid=acknowledge]").Click();
        Assert.True(cut.Find("[data-testid=feedback]").HasAttribute("disabled"));
        cut.Find("[data-testid=feedback-text]").Input("已关阀抢修");
        cut.Find("[data-testid=feedback]").Click();

        Assert.Equal(["acknowledge 1", "feedback 3 已关阀抢修"], Inbox.Commands);
    }

    [Fact]
    public void Handing_back_needs_a_reason_and_a_refusal_is_explained_in_chinese()
    {
        Inbox.View = Inbox.View with { Alerts = [Alert(1, "routed")] };
        Inbox.Refuse = new("cannot_hand_back", "x");
        var cut = Render<LinkagePage>();

        Assert.True(cut.Find("[data-testid=hand-back]").HasAttribute("disabled"));
        cut.Find("[data-testid=hand-back-reason]").Input("属燃气，非供水");
        cut.Find("[data-testid=hand-back]").Click();

        Assert.Equal(["hand-back 1 属燃气，非供水"], Inbox.Commands);
        Assert.Equal("已到场的工单不能退单。", cut.Find("[data-testid=linkage-error]").TextContent);
    }

    [Fact]
    public void A_new_alert_appears_when_the_stream_says_something_changed()
    {
        var cut = Render<LinkagePage>();
        Assert.NotNull(cut.Find("[data-testid=linkage-empty]"));

        Inbox.View = Inbox.View with { Alerts = [Alert(7, "routed", overdue: true)] };
        Inbox.Change();

        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("[data-alert-id='7'] [data-testid=overdue]")));
    }

    [Fact]
    public void Text_from_the_110_system_is_shown_as_text()
    {
        Inbox.View = Inbox.View with { Alerts = [Alert(1, "routed", description: "<img src=x onerror=alert(1)>")] };

        var cut = Render<LinkagePage>();

        Assert.Empty(cut.FindAll(".cc-linkage img"));
        Assert.Contains("<img src=x onerror=alert(1)>", cut.Find("[data-alert-id='1']").TextContent);
    }

    [Fact]
    public void The_desk_turns_an_alert_into_an_incident_with_one_tap_and_then_links_to_its_room()
    {
        var linked = Alert(2, "routed", overdue: true) with { IncidentId = 902 };
        Inbox.View = new(true, null, [Alert(1, "unrouted"), linked], []);
        var cut = Render<LinkagePage>();

        cut.Find("[data-alert-id='1'] [data-testid=to-incident]").Click();

        Assert.Equal(["to-incident 1"], Inbox.Commands);
        Assert.Empty(cut.FindAll("[data-alert-id='2'] [data-testid=to-incident]"));
        var link = cut.Find("[data-alert-id='2'] [data-testid=alert-incident]");
        Assert.Equal("/incidents/902/room", link.GetAttribute("href"));
        Assert.Equal("警情 #902", link.TextContent);
    }

    [Fact]
    public void An_operator_cannot_turn_an_alert_into_an_incident()
    {
        Inbox.View = Inbox.View with { Alerts = [Alert(1, "routed")] };

        var cut = Render<LinkagePage>();

        Assert.Empty(cut.FindAll("[data-testid=to-incident]"));
    }

    [Fact]
    public void Photos_show_under_their_alert_and_one_can_be_added_on_scene()
    {
        Inbox.View = Inbox.View with
        {
            Alerts = [Alert(3, "on_scene"), Alert(4, "routed")],
            Photos = new Dictionary<long, IReadOnlyList<long>> { [3] = [31, 32] },
        };

        var cut = Render<LinkagePage>();

        Assert.Equal(["/api/linkage-alerts/3/photos/31", "/api/linkage-alerts/3/photos/32"],
            cut.FindAll("[data-alert-id='3'] [data-testid=photos] img").Select(i => i.GetAttribute("src")));
        Assert.NotNull(cut.Find("[data-alert-id='3'] [data-testid=photo-input]"));
        Assert.Empty(cut.FindAll("[data-alert-id='4'] [data-testid=photo-input]"));
        cut.FindComponent<Microsoft.AspNetCore.Components.Forms.InputFile>().UploadFiles(InputFileContent.CreateFromBinary([0xFF, 0xD8, 0xFF, 0xE0, 1, 2], "scene.jpg", contentType: "image/jpeg"));
        cut.WaitForAssertion(() => Assert.Equal(["photo 3 6"], Inbox.Commands));
    }
}
