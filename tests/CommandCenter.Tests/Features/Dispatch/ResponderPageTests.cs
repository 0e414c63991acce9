using System.Security.Claims;
using System.Text.Json;
using Bunit;
using CommandCenter.Domain.Dispatch;
using CommandCenter.Tests.Features.Incidents;
using CommandCenter.Web.Features.Access;
using CommandCenter.Web.Features.Dispatch;
using CommandCenter.Web.Features.Incidents;
using CommandCenter.Web.Features.Map;
using CommandCenter.Web.Features.Rooms;
using CommandCenter.Web.Live;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace CommandCenter.Tests.Features.Dispatch;

public class ResponderPageTests : ComponentTestContext
{
    internal static readonly DateTimeOffset Now = new(2025, 3, 1, 8, 0, 0, TimeSpan.Zero);
    private readonly FakeDesk _desk;
    private readonly LiveBus _bus;

    public ResponderPageTests() : this(new FakeDesk(), new LiveBus(NullLogger<LiveBus>.Instance))
    {
    }

    private ResponderPageTests(FakeDesk desk, LiveBus bus) : base(services: s => Register(s, desk, bus))
    {
        _desk = desk;
        _bus = bus;
    }

    // patrol01, bound to 巡001, with the page's fakes.
    internal static void Register(IServiceCollection services, IResponderDesk desk, LiveBus bus)
    {
        services.AddSingleton(desk);
        services.AddSingleton(bus);
        services.AddSingleton(Options.Create(new DispatchOptions()));
        services.AddSingleton(Options.Create(new MapOptions()));
        services.AddSingleton<TimeProvider>(new FixedClock(Now));
        var user = new ClaimsPrincipal(new ClaimsIdentity(
            [new Claim(ClaimTypes.Name, "patrol01"), new Claim(ClaimTypes.Role, Roles.Responder), new Claim(AccessClaims.Unit, "巡001"), new Claim(AccessClaims.DisplayName, "巡逻一组")],
            "test"));
        services.AddSingleton<AuthenticationStateProvider>(new SignedIn(user));
        services.AddCascadingAuthenticationState();
    }

    internal static ResponderDuty Duty(string status = "dispatched", IncidentView? incident = null, params TimelineEntry[] timeline)
    {
        var i = incident ?? IncidentBoardTests.Incident(41) with { Title = "商场门口两人打架", Address = "解放路 88 号", Description = "一人受伤" };
        var assignment = new AssignmentView(5, i.Id, 7, "巡001", "street_patrol", status, Now.AddMinutes(-4).AddSeconds(-7), null, null, null, "调度员 李");
        return new ResponderDuty(assignment, i, [.. timeline.Where(ResponderRules.IsForResponders)], [.. timeline.Where(t => t.Kind == TimelineKinds.Note)]);
    }

    [Theory]
    [InlineData("dispatched", "depart", "出发")]
    [InlineData("en_route", "arrive", "到达现场")]
    [InlineData("on_scene", "clear", "完成撤离")]
    public void The_one_next_step_is_the_only_step_button(string status, string step, string label)
    {
        _desk.Duty = Duty(status);

        var cut = Render<ResponderPage>();

        var button = Assert.Single(cut.FindAll("[data-testid=step]"));
        Assert.Equal(step, button.GetAttribute("data-step"));
        Assert.Equal(label, button.TextContent.Trim());
        Assert.False(button.HasAttribute("disabled"));
    }

    [Fact]
    public void The_incident_is_shown_with_its_address_place_and_the_stage_timer()
    {
        _desk.Duty = Duty();

        var cut = Render<ResponderPage>();

        Assert.Equal("巡001", cut.Find("[data-testid=callsign]").TextContent);
        Assert.Equal("商场门口两人打架", cut.Find("[data-testid=incident-title]").TextContent);
        Assert.Equal("火情", cut.Find("[data-testid=incident-type]").TextContent);
        Assert.Equal("解放路 88 号", cut.Find("[data-testid=address]").TextContent);
        Assert.Equal("清波第1社区 · 第01网格", cut.Find("[data-testid=grid]").TextContent);
        Assert.Equal("一人受伤", cut.Find("[data-testid=description]").TextContent);
        Assert.Equal("4:07", cut.Find("[data-testid=stage-clock]").TextContent);
        Assert.Equal("已派警", cut.Find("[data-testid=stage]").TextContent);
        Assert.Single(cut.FindComponents<GridMap>());
    }

    [Fact]
    public void A_grid_named_after_its_community_names_the_community_once()
    {
        _desk.Duty = Duty(incident: IncidentBoardTests.Incident(3) with { CommunityName = "清波第2社区", GridName = "清波第2社区第05网格" });

        var cut = Render<ResponderPage>();

        Assert.Equal("清波第2社区第05网格", cut.Find("[data-testid=grid]").TextContent);
    }

    [Fact]
    public void A_step_in_flight_disables_its_button_and_a_second_tap_sends_nothing()
    {
        _desk.Duty = Duty("dispatched");
        _desk.Hold = new TaskCompletionSource();
        var cut = Render<ResponderPage>();

        cut.Find("[data-testid=step]").Click();
        Assert.True(cut.Find("[data-testid=step]").HasAttribute("disabled"));
        _desk.Hold.SetResult();

        cut.WaitForAssertion(() => Assert.Equal("arrive", cut.Find("[data-testid=step]").GetAttribute("data-step")));
        Assert.Equal([(5L, AssignmentStep.Depart)], _desk.Steps);
        Assert.False(cut.Find("[data-testid=step]").HasAttribute("disabled"));
    }

    [Fact]
    public void A_refused_step_says_why_in_the_users_language()
    {
        _desk.Duty = Duty("en_route");
        _desk.Refuse = new DispatchRefusedException(new Refusal("step_not_allowed", "A unit that is cleared cannot arrive."), conflict: true);
        var cut = Render<ResponderPage>();

        cut.Find("[data-testid=step]").Click();

        Assert.Equal("该力量当前状态不能进行此操作。", cut.Find("[data-testid=refusal]").TextContent);
    }

    [Fact]
    public void Without_an_assignment_the_unit_is_standing_by()
    {
        var cut = Render<ResponderPage>();

        Assert.Contains("暂无任务，待命中", cut.Find("[data-testid=standing-by]").TextContent);
        Assert.Empty(cut.FindAll("[data-testid=step]"));
        Assert.Empty(cut.FindComponents<GridMap>());
    }

    [Fact]
    public void A_unit_that_does_not_exist_yet_is_standing_by_and_picks_up_its_first_assignment_from_the_live_stream()
    {
        _desk.Unit = null;
        var cut = Render<ResponderPage>();
        Assert.NotNull(cut.Find("[data-testid=standing-by]"));

        _desk.Unit = 7;
        _desk.Duty = Duty();
        _bus.Publish(Updated(_desk.Duty.Incident with { Assignments = [_desk.Duty.Assignment] }));

        cut.WaitForAssertion(() => Assert.Equal("商场门口两人打架", cut.Find("[data-testid=incident-title]").TextContent));
    }

    [Fact]
    public void A_change_made_elsewhere_to_the_incident_shown_is_followed()
    {
        _desk.Duty = Duty("dispatched");
        var cut = Render<ResponderPage>();

        _desk.Duty = Duty("on_scene");
        _bus.Publish(Updated(_desk.Duty.Incident));

        cut.WaitForAssertion(() => Assert.Equal("clear", cut.Find("[data-testid=step]").GetAttribute("data-step")));
    }

    [Fact]
    public void Hostile_incident_text_is_shown_as_text_never_as_markup()
    {
        const string title = "<img src=x onerror=alert(1)>";
        const string description = "<script>alert('x')</script><b>粗体</b>";
        var incident = IncidentBoardTests.Incident(9) with { Title = title, Description = description, Address = "<a href=\"javascript:alert(1)\">地址</a>" };
        _desk.Duty = Duty(incident: incident, timeline: [Entry(TimelineKinds.Instruction, "<iframe src=//evil>", Roles.Responder)]);

        var cut = Render<ResponderPage>();

        Assert.Equal(title, cut.Find("[data-testid=incident-title]").TextContent);
        Assert.Equal(description, cut.Find("[data-testid=description]").TextContent);
        Assert.Empty(cut.FindAll("img"));
        Assert.Empty(cut.FindAll("script"));
        Assert.Empty(cut.FindAll("b"));
        Assert.Empty(cut.FindAll("iframe"));
        Assert.Empty(cut.FindAll("[data-testid=address] a"));
    }

    [Fact]
    public void Only_instructions_addressed_to_responders_are_listed_newest_first()
    {
        _desk.Duty = Duty(timeline:
        [
            Entry(TimelineKinds.Instruction, "注意自身安全", Roles.Responder),
            Entry(TimelineKinds.Instruction, "通知社区", Roles.Dispatcher),
            Entry(TimelineKinds.Instruction, "到场后先报告伤情", Roles.Responder, at: 1),
        ]);

        var cut = Render<ResponderPage>();

        var items = cut.FindAll("[data-testid=instructions] li").Select(li => li.TextContent).ToList();
        Assert.Equal(2, items.Count);
        Assert.Contains("到场后先报告伤情", items[0]);
        Assert.Contains("注意自身安全", items[1]);
    }

    [Fact]
    public void A_note_is_sent_for_the_incident_and_the_field_clears()
    {
        _desk.Duty = Duty();
        var cut = Render<ResponderPage>();

        cut.Find("[data-testid=note-text]").Input("伤者已送医");
        cut.Find("[data-testid=note-send]").Click();

        Assert.Equal([(41L, "伤者已送医")], _desk.Notes);
        Assert.Equal("", cut.Find("[data-testid=note-text]").GetAttribute("value") ?? "");
    }

    private static TimelineEntry Entry(string kind, string text, string? addressee = null, int at = 0) =>
        new() { IncidentId = 41, At = Now.AddMinutes(at), Kind = kind, ActorName = "领导 张", Text = text, Addressee = addressee };

    private static long _seq;

    private static LiveEvent Updated(IncidentView incident) =>
        new(LiveStreams.Incidents, Interlocked.Increment(ref _seq), IncidentEvents.Updated, JsonSerializer.SerializeToElement(incident, LiveEventStore.Json), Now);

    internal sealed class FakeDesk : IResponderDesk
    {
        public long? Unit { get; set; } = 7;
        public ResponderDuty? Duty { get; set; }
        public TaskCompletionSource? Hold { get; set; }
        public Exception? Refuse { get; set; }
        public List<(long, AssignmentStep)> Steps { get; } = [];
        public List<(long, string)> Notes { get; } = [];

        public Task<long?> UnitOfAsync(ClaimsPrincipal user, CancellationToken ct = default) => Task.FromResult(Unit);

        public Task<ResponderDuty?> CurrentAsync(long unitId, CancellationToken ct = default) => Task.FromResult(unitId == Unit ? Duty : null);

        public async Task<AssignmentView?> AdvanceAsync(long assignmentId, AssignmentStep move, Actor actor, long unitId, CancellationToken ct = default)
        {
            Steps.Add((assignmentId, move));
            if (Hold is not null) await Hold.Task;
            if (Refuse is not null) throw Refuse;
            var next = Duty!.Assignment.StatusValue switch
            {
                AssignmentStatus.Dispatched => "en_route",
                AssignmentStatus.EnRoute => "on_scene",
                _ => "cleared",
            };
            Duty = Duty with { Assignment = Duty.Assignment with { Status = next } };
            return Duty.Assignment;
        }

        public Task AddNoteAsync(long incidentId, string text, Actor actor, long unitId, CancellationToken ct = default)
        {
            if (Refuse is not null) throw Refuse;
            Notes.Add((incidentId, text));
            return Task.CompletedTask;
        }
    }

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }

    private sealed class SignedIn(ClaimsPrincipal user) : AuthenticationStateProvider
    {
        public override Task<AuthenticationState> GetAuthenticationStateAsync() => Task.FromResult(new AuthenticationState(user));
    }
}

public class ResponderPageBeforeInteractivityTests : ComponentTestContext
{
    public ResponderPageBeforeInteractivityTests() : this(new ResponderPageTests.FakeDesk { Duty = ResponderPageTests.Duty() })
    {
    }

    private ResponderPageBeforeInteractivityTests(ResponderPageTests.FakeDesk desk)
        : base(interactive: false, services: s => ResponderPageTests.Register(s, desk, new LiveBus(NullLogger<LiveBus>.Instance)))
    {
    }

    [Fact]
    public void Nothing_can_be_sent_before_the_circuit_is_interactive()
    {
        var cut = Render<ResponderPage>();

        Assert.True(cut.Find("[data-testid=step]").HasAttribute("disabled"));
        Assert.True(cut.Find("[data-testid=note-send]").HasAttribute("disabled"));
    }
}
