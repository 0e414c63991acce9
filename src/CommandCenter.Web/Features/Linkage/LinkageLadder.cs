using Microsoft.Extensions.Options;

namespace CommandCenter.Web.Features.Linkage;

// Fires due deadlines every few seconds on every instance. The deadlines are rows, not timers:
// a restart loses none, and SKIP LOCKED hands each to exactly one instance (ADR 9).
public sealed class LinkageLadder(LinkageService linkage, IOptions<LinkageOptions> options, TimeProvider clock, ILogger<LinkageLadder> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.SchedulerInterval, clock);
        do
        {
            try
            {
                // A full batch may mean more are due: go again at once.
                while (await linkage.FireDueAsync(100, stoppingToken) == 100) { }
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                Infrastructure.BackgroundFailures.Count("linkage-ladder");
                logger.LogWarning(ex, "Firing linkage deadlines failed; trying again in {Interval}", options.Value.SchedulerInterval);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}
