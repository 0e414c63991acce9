using Bunit;
using CommandCenter.Web.Features.Rooms;

namespace CommandCenter.Tests.Features.Rooms;

public class InstructionFormTests : Features.ComponentTestContext
{
    private static readonly IReadOnlyDictionary<string, string[]> NoErrors = new Dictionary<string, string[]>();

    [Fact]
    public void Sending_hands_over_the_text_and_the_chosen_addressee_then_clears_the_text()
    {
        Instruction? sent = null;
        var cut = Render<InstructionForm>(p => p.Add(x => x.Submit, i => { sent = i; return Task.FromResult(NoErrors); }));

        cut.Find("textarea").Change("立即疏散周边群众");
        cut.Find("[data-addressee=Dispatcher]").Click();
        cut.Find("[data-testid=instruction-send]").Click();

        Assert.Equal(new Instruction("立即疏散周边群众", "Dispatcher"), sent);
        Assert.Equal("", cut.Find("textarea").GetAttribute("value") ?? "");
    }

    [Fact]
    public void Errors_from_the_service_are_shown_beside_their_field_and_the_text_is_kept()
    {
        var cut = Render<InstructionForm>(p => p.Add(x => x.Submit, _ =>
            Task.FromResult<IReadOnlyDictionary<string, string[]>>(new Dictionary<string, string[]> { ["addressee"] = ["请选择批示对象"] })));

        cut.Find("textarea").Change("加强巡逻");
        cut.Find("[data-testid=instruction-send]").Click();

        Assert.Contains("请选择批示对象", cut.Markup);
        Assert.Equal("加强巡逻", cut.Find("textarea").GetAttribute("value"));
    }

    [Fact]
    public void Every_addressee_is_a_touch_target_labelled_in_chinese()
    {
        var cut = Render<InstructionForm>(p => p.Add(x => x.Submit, _ => Task.FromResult(NoErrors)));

        var labels = cut.FindAll("[data-addressee]").Select(b => b.TextContent.Trim()).ToList();
        Assert.Equal(["调度员", "值班员", "联动单位操作员", "处置人员"], labels);
        Assert.All(cut.FindAll("[data-addressee]"), b => Assert.Contains("cc-touch", b.ClassName));
    }
}

public class InstructionFormBeforeInteractivityTests() : Features.ComponentTestContext(interactive: false)
{
    [Fact]
    public void Nothing_can_be_sent_before_the_circuit_is_interactive()
    {
        var cut = Render<InstructionForm>(p => p.Add(x => x.Submit, _ => Task.FromResult<IReadOnlyDictionary<string, string[]>>(new Dictionary<string, string[]>())));

        Assert.True(cut.Find("[data-testid=instruction-send]").HasAttribute("disabled"));
    }
}
