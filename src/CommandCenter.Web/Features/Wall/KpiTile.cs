using System.Globalization;
using Microsoft.AspNetCore.Components;

namespace CommandCenter.Web.Features.Wall;

// Named by colour, not by meaning, so later tiles reuse them: priorities critical→low and
// emergency-plan levels Ⅰ→Ⅳ are both red, orange, yellow, blue.
public enum KpiTone { Neutral, Red, Orange, Yellow, Blue, Green }

// One number on the wall, legible across the room. A tile for something the center does not
// track yet is simply not placed: a tile never invents a value (null shows a dash, never a
// made-up zero). Drawn as a fragment of the wall, not a component of its own: fifteen tiles on
// every wall circuit would each keep two render trees.
public sealed record KpiTile(string Label, int? Value, KpiTone Tone = KpiTone.Neutral, bool Alert = false, string? Caption = null, string? TestId = null)
{
    private string ValueText => Value?.ToString("N0", CultureInfo.CurrentCulture) ?? "—";

    private string CssClass =>
        $"cc-kpi cc-kpi-{Tone.ToString().ToLowerInvariant()}{(Alert ? " cc-kpi-alert" : "")}{(Value is null ? " cc-kpi-unknown" : "")}";

    public RenderFragment Draw() => builder =>
    {
        builder.OpenElement(0, "div");
        builder.AddAttribute(1, "class", CssClass);
        builder.AddAttribute(2, "role", "group");
        builder.AddAttribute(3, "aria-label", Label);
        builder.AddAttribute(4, "data-testid", TestId);
        builder.OpenElement(5, "div");
        builder.AddAttribute(6, "class", "cc-kpi-label");
        builder.AddContent(7, Label);
        builder.CloseElement();
        builder.OpenElement(8, "div");
        builder.AddAttribute(9, "class", "cc-kpi-value");
        builder.AddAttribute(10, "data-testid", TestId is null ? null : $"{TestId}-value");
        builder.AddContent(11, ValueText);
        builder.CloseElement();
        if (Caption is not null)
        {
            builder.OpenElement(12, "div");
            builder.AddAttribute(13, "class", "cc-kpi-caption");
            builder.AddContent(14, Caption);
            builder.CloseElement();
        }
        builder.CloseElement();
    };
}
