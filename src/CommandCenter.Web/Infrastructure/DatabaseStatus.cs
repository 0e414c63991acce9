using Npgsql;

namespace CommandCenter.Web.Infrastructure;

// Whether this instance can reach its database now, probed every few seconds: the pages show a
// degraded banner while it cannot (what is on screen may be old, and a command may not be saved),
// and take it down by themselves when it can again. One probe per instance, not per screen.
public sealed class DatabaseStatus(NpgsqlDataSource dataSource, TimeProvider clock, ILogger<DatabaseStatus> logger) : BackgroundService
{
    public static readonly TimeSpan ProbeEvery = TimeSpan.FromSeconds(3);

    private DateTimeOffset? _downSince;

    // Null while the database answers; when it stopped answering otherwise.
    public DateTimeOffset? DownSince => _downSince;

    public event Action? Changed;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(ProbeEvery, clock);
        do
        {
            await ProbeAsync(stoppingToken);
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    internal async Task ProbeAsync(CancellationToken ct)
    {
        bool up;
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(ProbeEvery);
            await using var cmd = dataSource.CreateCommand("SELECT 1");
            await cmd.ExecuteScalarAsync(timeout.Token);
            up = true;
        }
        catch (Exception ex) when (!ct.IsCancellationRequested && (Outages.IsOutage(ex) || ex is NpgsqlException or OperationCanceledException))
        {
            up = false;
        }
        if (up == (_downSince is null)) return;
        _downSince = up ? null : clock.GetUtcNow();
        if (up) logger.LogInformation("The database answers again");
        else logger.LogWarning("The database does not answer; pages show the degraded banner");
        Changed?.Invoke();
    }
}
