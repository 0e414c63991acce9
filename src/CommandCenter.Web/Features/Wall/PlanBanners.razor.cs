using System.Globalization;
using CommandCenter.Domain.Plans;
using CommandCenter.Web.Features.Plans;
using Microsoft.AspNetCore.Components;

namespace CommandCenter.Web.Features.Wall;

public sealed partial class PlanBanners
{
    // Null until the board is read: no banners, as with none in force.
    [Parameter] public PlanBoardSnapshot? Board { get; set; }

    // More banners than this would push the map off the wall; the rest are counted as "+N".
    [Parameter] public int Max { get; set; } = 3;

    private IEnumerable<PlanBoardRun> Shown => Board?.Runs.Take(Max) ?? [];

    private int More => Math.Max(0, (Board?.Runs.Count ?? 0) - Max);

    private string SectionClass => Board?.Runs.Count > 0 ? "cc-wall-plans cc-wall-plans-on" : "cc-wall-plans";

    private static string BannerClass(PlanBoardRun run) =>
        $"cc-plan-banner cc-level-{ResponseLevels.Colour(run.Level)}{(run.CriticalOverdue ? " cc-plan-banner-critical" : "")}";

    private static string Percent(PlanBoardRun run) =>
        (run.TasksTotal == 0 ? 0 : 100.0 * run.TasksDone / run.TasksTotal).ToString("0.#", CultureInfo.InvariantCulture);
}
