using System.Globalization;
using Microsoft.AspNetCore.Components;

namespace CommandCenter.Web.Features.Wall;

// Named by colour, not by meaning, so later tiles reuse them: priorities critical→low and
// emergency-plan levels Ⅰ→Ⅳ are both red, orange, yellow, blue.
public enum KpiTone { Neutral, Red, Orange, Yellow, Blue, Green }

// One number on the wall, legible across the room. A tile for something the center does not
// track yet is simply not placed: this component never invents a value.
public sealed partial class KpiTile
{
    [Parameter, EditorRequired] public string Label { get; set; } = "";

    // Null: not known (yet), shown as a dash — never a made-up zero.
    [Parameter] public int? Value { get; set; }

    [Parameter] public KpiTone Tone { get; set; } = KpiTone.Neutral;

    // Draws the eye: e.g. any critical incident open.
    [Parameter] public bool Alert { get; set; }

    [Parameter] public string? Caption { get; set; }

    [Parameter] public string? TestId { get; set; }

    private string ValueText => Value?.ToString("N0", CultureInfo.CurrentCulture) ?? "—";

    private string CssClass =>
        $"cc-kpi cc-kpi-{Tone.ToString().ToLowerInvariant()}{(Alert ? " cc-kpi-alert" : "")}{(Value is null ? " cc-kpi-unknown" : "")}";
}
