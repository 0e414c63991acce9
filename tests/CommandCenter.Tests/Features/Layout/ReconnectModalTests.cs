using Bunit;
using CommandCenter.Web.Components.Layout;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace CommandCenter.Tests.Features.Layout;

public class ReconnectModalTests() : ComponentTestContext(services: s =>
    s.AddSingleton(Options.Create(new ScreenOptions { ReloadSpread = TimeSpan.FromSeconds(3) })))
{
    [Fact]
    public void A_screen_whose_instance_stopped_spreads_its_reload_over_the_configured_seconds()
    {
        var dialog = Render<ReconnectModal>().Find("#components-reconnect-modal");

        Assert.Equal("3000", dialog.GetAttribute("data-reload-spread"));
        Assert.Null(dialog.GetAttribute("data-unattended"));
    }

    [Fact]
    public void The_wall_display_reloads_by_itself_with_the_same_spread()
    {
        var dialog = Render<ReconnectModal>(p => p.Add(m => m.Unattended, true)).Find("#components-reconnect-modal");

        Assert.Equal("true", dialog.GetAttribute("data-unattended"));
        Assert.Equal("3000", dialog.GetAttribute("data-reload-spread"));
    }
}
