using System.Collections.Concurrent;
using CommandCenter.Web.Features.Access;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;

namespace CommandCenter.Web.Live;

// A hub connection is authorised once, when it opens, and may then stay open for a shift. Every
// Access:RevalidateEvery this instance re-checks the credential behind each of its connections and
// closes those whose key was revoked or whose user was locked, demoted or reset.
public sealed class LiveConnectionGuard(SessionValidator sessions, IOptions<AccessOptions> options, TimeProvider clock, ILogger<LiveConnectionGuard> logger)
    : BackgroundService
{
    private readonly ConcurrentDictionary<string, HubCallerContext> _connections = new(StringComparer.Ordinal);
    private long _sweeps;

    // Completed sweeps, so a test can wait for one instead of sleeping.
    public long Sweeps => Interlocked.Read(ref _sweeps);

    public void Opened(HubCallerContext context) => _connections[context.ConnectionId] = context;

    public void Closed(HubCallerContext context) => _connections.TryRemove(context.ConnectionId, out _);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.RevalidateEvery, clock);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await SweepAsync(stoppingToken);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                Infrastructure.BackgroundFailures.Count("live-connection-guard");
                logger.LogWarning(ex, "Re-checking live connections failed; trying again in {Interval}", options.Value.RevalidateEvery);
            }
            Interlocked.Increment(ref _sweeps);
        }
    }

    private async Task SweepAsync(CancellationToken ct)
    {
        var open = _connections.Values.Where(c => c.User is not null).ToList();
        if (open.Count == 0) return;
        var current = await sessions.CurrentAsync([.. open.Select(c => c.User!)], ct);
        for (var i = 0; i < open.Count; i++)
        {
            if (current[i]) continue;
            logger.LogInformation("Closing live connection of {User}: its credential was revoked or changed", open[i].User?.Identity?.Name);
            Closed(open[i]);
            open[i].Abort();
        }
    }
}
