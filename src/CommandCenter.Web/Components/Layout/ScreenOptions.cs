using System.ComponentModel.DataAnnotations;

namespace CommandCenter.Web.Components.Layout;

public sealed record ScreenOptions
{
    public const string Section = "Screens";

    // When an instance stops, every screen it served finds its circuit gone at the same moment and
    // reloads onto the instance that stayed. Each waits a random part of this first, so that instance
    // starts them a few at a time while it keeps drawing its own screens: all at once, the screens
    // it already had stalled for seconds under a night's load (issue 17).
    [Range(typeof(TimeSpan), "00:00:00", "00:00:30")]
    public TimeSpan ReloadSpread { get; init; } = TimeSpan.FromSeconds(4);
}
