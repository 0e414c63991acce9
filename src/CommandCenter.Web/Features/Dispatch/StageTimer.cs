using System.Globalization;
using CommandCenter.Domain.Dispatch;
using Microsoft.AspNetCore.Components;

namespace CommandCenter.Web.Features.Dispatch;

// A stage timer: the browser counts (wwwroot/timers.js), the circuit renders only when the stage
// changes. A fragment drawn into its row, not a component of its own: a board draws one per open
// incident, and every component keeps two render trees in the circuit's memory.
public static class StageTimer
{
    public static RenderFragment Of(DateTimeOffset since, StageLimit? limit, string? title) => builder =>
    {
        builder.OpenElement(0, "span");
        builder.AddAttribute(1, "class", "cc-timer");
        builder.AddAttribute(2, "data-testid", "timer");
        builder.AddAttribute(3, "data-timer-since", since.ToString("O", CultureInfo.InvariantCulture));
        builder.AddAttribute(4, "data-timer-amber", Seconds(limit?.Amber));
        builder.AddAttribute(5, "data-timer-red", Seconds(limit?.Red));
        builder.AddAttribute(6, "title", title);
        builder.CloseElement();
    };

    private static string? Seconds(TimeSpan? limit) => limit?.TotalSeconds.ToString(CultureInfo.InvariantCulture);
}
