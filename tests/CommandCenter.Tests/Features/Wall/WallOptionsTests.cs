using System.ComponentModel.DataAnnotations;
using System.Reflection;
using CommandCenter.Web.Features.Wall;
using Microsoft.AspNetCore.Components;

namespace CommandCenter.Tests.Features.Wall;

public class WallOptionsTests
{
    private static bool IsValid(WallOptions options) =>
        Validator.TryValidateObject(options, new ValidationContext(options), [], validateAllProperties: true);

    [Fact]
    public void The_defaults_are_valid_and_call_a_wall_stale_after_two_minutes()
    {
        Assert.True(IsValid(new WallOptions()));
        Assert.Equal(TimeSpan.FromMinutes(2), new WallOptions().StaleAfter);
    }

    [Fact]
    public void Settings_that_would_make_the_wall_useless_are_refused_at_start()
    {
        Assert.False(IsValid(new WallOptions { StaleAfter = TimeSpan.FromSeconds(2) }));
        Assert.False(IsValid(new WallOptions { TickerLength = 0 }));
        Assert.False(IsValid(new WallOptions { HighlightFor = TimeSpan.Zero }));
        Assert.False(IsValid(new WallOptions { CountsRefresh = TimeSpan.FromHours(1) }));
    }

    [Fact]
    public void The_route_the_reconnect_dialog_checks_is_the_page_route()
    {
        Assert.Equal(WallPage.Route, typeof(WallPage).GetCustomAttribute<RouteAttribute>()!.Template);
    }
}
