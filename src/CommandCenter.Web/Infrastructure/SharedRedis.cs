using StackExchange.Redis;

namespace CommandCenter.Web.Infrastructure;

// This instance's one connection to Redis, when ConnectionStrings:Redis is set. Redis carries only
// what instances must share: rate-limit counters and notices addressed to an account. Live streams
// do not pass through it (each instance relays the outbox to its own clients, ADR 2), so an
// instance keeps serving its screens while Redis is away.
public sealed class SharedRedis : IDisposable
{
    private readonly Lazy<IConnectionMultiplexer>? _connection;

    public SharedRedis(IConfiguration config)
    {
        if (config.GetConnectionString("Redis") is not { Length: > 0 } redis) return;
        var options = ConfigurationOptions.Parse(redis);
        options.AbortOnConnectFail = false; // Redis may start after the app, and reconnects by itself
        // While Redis is away a command fails at once instead of waiting in a backlog, so the
        // callers fall back (limits counted here, notices to this instance's connections).
        options.BacklogPolicy = BacklogPolicy.FailFast;
        if (!redis.Contains("asyncTimeout", StringComparison.OrdinalIgnoreCase)) options.AsyncTimeout = 1_000;
        if (!redis.Contains("connectTimeout", StringComparison.OrdinalIgnoreCase)) options.ConnectTimeout = 2_000;
        _connection = new Lazy<IConnectionMultiplexer>(() => ConnectionMultiplexer.Connect(options));
    }

    public bool Configured => _connection is not null;

    public IConnectionMultiplexer Connection => _connection?.Value ?? throw new InvalidOperationException("ConnectionStrings:Redis is not set.");

    // The round trip to Redis, or null when it is not configured or does not answer.
    public async Task<TimeSpan?> PingAsync()
    {
        if (_connection is null) return null;
        try
        {
            return await _connection.Value.GetDatabase().PingAsync();
        }
        catch (Exception ex) when (Outages.IsOutage(ex))
        {
            return null;
        }
    }

    public void Dispose()
    {
        if (_connection is { IsValueCreated: true }) _connection.Value.Dispose();
    }
}
