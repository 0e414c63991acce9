using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Security.Claims;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;
using RedisRateLimiting;

namespace CommandCenter.Web.Infrastructure;

// Allowances per window; a request over one gets 429 with Retry-After.
public sealed record RateLimitOptions
{
    public const string Section = "RateLimits";

    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan Window { get; init; } = TimeSpan.FromMinutes(1);

    // Sign-in form posts from one client address: a password sprayer walks many user names.
    [Range(1, int.MaxValue)]
    public int SignInPerAddress { get; init; } = 10;

    // Sign-in form posts naming one user, from any address: a guesser walks many addresses.
    [Range(1, int.MaxValue)]
    public int SignInPerUserName { get; init; } = 5;

    // OsmAnd fixes from one device id; phones report every 1-30 s.
    [Range(1, int.MaxValue)]
    public int OsmAndPerDevice { get; init; } = 120;

    // Batch and incident API requests per API key (or per signed-in user on the incident API).
    [Range(1, int.MaxValue)]
    public int ApiPerKey { get; init; } = 600;
}

// The app's limiters, one partitioned limiter per kind of allowance. With ConnectionStrings:Redis
// the counters live in Redis, so instances share one allowance; otherwise each counts in memory.
// While Redis is away each instance counts its own share in memory (RedisOrLocalLimiter): requests
// go on being served, and a client spread over n instances may get up to n allowances meanwhile.
public sealed class CenterRateLimiters : IDisposable
{
    private readonly SharedRedis _redis;
    private readonly TimeSpan _window;

    public CenterRateLimiters(IOptions<RateLimitOptions> options, SharedRedis redis)
    {
        var o = options.Value;
        _window = o.Window;
        _redis = redis;
        SignInByAddress = Create("signin-address", o.SignInPerAddress);
        SignInByUserName = Create("signin-user", o.SignInPerUserName);
        OsmAndByDevice = Create("osmand-device", o.OsmAndPerDevice);
        ApiByKey = Create("api-key", o.ApiPerKey);
    }

    public PartitionedRateLimiter<string> SignInByAddress { get; }
    public PartitionedRateLimiter<string> SignInByUserName { get; }
    public PartitionedRateLimiter<string> OsmAndByDevice { get; }
    public PartitionedRateLimiter<string> ApiByKey { get; }

    // An empty key is not limited here: the request is not of this limiter's kind.
    private PartitionedRateLimiter<string> Create(string name, int permits) =>
        PartitionedRateLimiter.Create<string, string>(key => key.Length == 0
            ? RateLimitPartition.GetNoLimiter(key)
            : _redis.Configured
                // The limiter's name keeps its counters apart from the others' in Redis.
                ? RateLimitPartition.Get($"{name}:{key}", _ => new RedisOrLocalLimiter(
                    new RedisFixedWindowRateLimiter<string>($"cc:{name}:{key}", new RedisFixedWindowRateLimiterOptions
                    {
                        ConnectionMultiplexerFactory = () => _redis.Connection,
                        PermitLimit = permits,
                        Window = _window,
                    }),
                    LocalLimiter(permits)))
                : RateLimitPartition.Get($"{name}:{key}", _ => LocalLimiter(permits)), StringComparer.Ordinal);

    private FixedWindowRateLimiter LocalLimiter(int permits) => new(new FixedWindowRateLimiterOptions
    {
        PermitLimit = permits,
        Window = _window,
        QueueLimit = 0,
    });

    // Seconds until the window that refused the lease ends. The in-memory limiters give a
    // TimeSpan, RedisRateLimiting whole seconds; either way at least 1, at most the window.
    public int RetryAfterSeconds(RateLimitLease lease)
    {
        var seconds = lease.TryGetMetadata(MetadataName.RetryAfter.Name, out var value) ? value switch
        {
            TimeSpan span => span.TotalSeconds,
            int s => s,
            long s => s,
            _ => _window.TotalSeconds,
        } : _window.TotalSeconds;
        return (int)Math.Clamp(Math.Ceiling(seconds), 1, Math.Ceiling(_window.TotalSeconds));
    }

    // 429, Retry-After and a problem whose title says what was limited.
    public Task RejectAsync(HttpContext http, RateLimitLease lease, string title)
    {
        http.Response.Headers.RetryAfter = RetryAfterSeconds(lease).ToString(CultureInfo.InvariantCulture);
        return Results.Problem(statusCode: StatusCodes.Status429TooManyRequests, title: title,
            detail: $"Try again in {http.Response.Headers.RetryAfter} s.").ExecuteAsync(http);
    }

    public void Dispose()
    {
        SignInByAddress.Dispose();
        SignInByUserName.Dispose();
        OsmAndByDevice.Dispose();
        ApiByKey.Dispose();
    }
}

// Redis's shared counter while Redis answers; this instance's own counter for the same key while
// it does not (a limiter that cannot count must not turn every request away).
internal sealed class RedisOrLocalLimiter(RateLimiter shared, RateLimiter local) : RateLimiter
{
    public override TimeSpan? IdleDuration => shared.IdleDuration is { } a && local.IdleDuration is { } b ? (a < b ? a : b) : null;

    public override RateLimiterStatistics? GetStatistics() => shared.GetStatistics();

    protected override RateLimitLease AttemptAcquireCore(int permitCount)
    {
        try
        {
            return shared.AttemptAcquire(permitCount);
        }
        catch (Exception ex) when (Outages.IsOutage(ex))
        {
            return local.AttemptAcquire(permitCount);
        }
    }

    protected override async ValueTask<RateLimitLease> AcquireAsyncCore(int permitCount, CancellationToken cancellationToken)
    {
        try
        {
            return await shared.AcquireAsync(permitCount, cancellationToken);
        }
        catch (Exception ex) when (Outages.IsOutage(ex))
        {
            return await local.AcquireAsync(permitCount, cancellationToken);
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            shared.Dispose();
            local.Dispose();
        }
        base.Dispose(disposing);
    }
}

public static class RateLimits
{
    public const string SignInPath = "/account/login";
    public const string SignInUserNameField = "Input.UserName";
    private const int MaxSignInFormBytes = 16 * 1024;

    public static IServiceCollection AddCenterRateLimits(this IServiceCollection services, IConfiguration config)
    {
        services.AddOptions<RateLimitOptions>().Bind(config.GetSection(RateLimitOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<SharedRedis>();
        services.AddSingleton<CenterRateLimiters>();
        services.AddRateLimiter(_ => { });
        services.AddOptions<RateLimiterOptions>().Configure<CenterRateLimiters>((o, limiters) =>
        {
            // Sign-in is limited per address and per user name, the APIs per key. The OsmAnd
            // endpoint limits per device itself, once it has parsed the id from any of its forms.
            o.GlobalLimiter = new AcquireOnce(PartitionedRateLimiter.CreateChained(
                limiters.SignInByAddress.WithTranslatedKey<HttpContext>(h => IsSignIn(h) ? ClientAddress(h) : "", leaveOpen: true),
                limiters.SignInByUserName.WithTranslatedKey<HttpContext>(h => IsSignIn(h) ? SignInUserName(h) : "", leaveOpen: true),
                limiters.ApiByKey.WithTranslatedKey<HttpContext>(ApiCaller, leaveOpen: true)));
            o.OnRejected = (context, _) => new ValueTask(limiters.RejectAsync(context.HttpContext, context.Lease,
                IsSignIn(context.HttpContext) ? "Too many sign-in attempts" : "Too many requests for this API key"));
        });
        return services;
    }

    // After authentication and authorization, so an API key's principal is known; a refused
    // request never reaches a handler.
    public static WebApplication UseCenterRateLimits(this WebApplication app)
    {
        // The limiter's partitioner is synchronous: read the small sign-in form first (the form
        // feature keeps it for antiforgery and Blazor), refusing anything larger than a form.
        app.Use(async (http, next) =>
        {
            if (IsSignIn(http) && http.Request.HasFormContentType)
            {
                if (http.Request.ContentLength > MaxSignInFormBytes)
                {
                    await Results.Problem(statusCode: StatusCodes.Status413PayloadTooLarge, title: "Sign-in form too large").ExecuteAsync(http);
                    return;
                }
                if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size) size.MaxRequestBodySize = MaxSignInFormBytes;
                try
                {
                    await http.Request.ReadFormAsync(new FormOptions { ValueLengthLimit = 1024, ValueCountLimit = 16 }, http.RequestAborted);
                }
                catch (InvalidDataException)
                {
                    await Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Sign-in form not valid").ExecuteAsync(http);
                    return;
                }
            }
            await next(http);
        });
        app.UseRateLimiter();
        return app;
    }

    // The middleware calls AttemptAcquire and, if refused, AcquireAsync: a request refused by the
    // user-name limiter would count twice against its address. Answering only AcquireAsync (as
    // RedisRateLimiting's limiters do) counts every request once in every limiter of the chain.
    private sealed class AcquireOnce(PartitionedRateLimiter<HttpContext> chain) : PartitionedRateLimiter<HttpContext>
    {
        public override RateLimiterStatistics? GetStatistics(HttpContext resource) => null;

        protected override RateLimitLease AttemptAcquireCore(HttpContext resource, int permitCount) => NotTried.Instance;

        protected override ValueTask<RateLimitLease> AcquireAsyncCore(HttpContext resource, int permitCount, CancellationToken cancellationToken) =>
            chain.AcquireAsync(resource, permitCount, cancellationToken);

        protected override void Dispose(bool disposing)
        {
            if (disposing) chain.Dispose();
            base.Dispose(disposing);
        }
    }

    private sealed class NotTried : RateLimitLease
    {
        public static readonly NotTried Instance = new();

        public override bool IsAcquired => false;

        public override IEnumerable<string> MetadataNames => [];

        public override bool TryGetMetadata(string metadataName, out object? metadata)
        {
            metadata = null;
            return false;
        }
    }

    private static bool IsSignIn(HttpContext http) =>
        HttpMethods.IsPost(http.Request.Method) && http.Request.Path.Equals(SignInPath, StringComparison.OrdinalIgnoreCase);

    private static string ClientAddress(HttpContext http) => http.Connection.RemoteIpAddress?.ToString() ?? "unknown";

    // Identity compares user names case-insensitively, so the limit does too.
    private static string SignInUserName(HttpContext http)
    {
        var name = http.Request.HasFormContentType ? http.Request.Form[SignInUserNameField].FirstOrDefault()?.Trim() : null;
        return string.IsNullOrEmpty(name) ? "" : name.ToUpperInvariant();
    }

    // The batch API and the incident API, per API key (its id), or per signed-in user.
    private static string ApiCaller(HttpContext http)
    {
        var path = http.Request.Path;
        var limited = path.StartsWithSegments("/api/incidents")
            || HttpMethods.IsPost(http.Request.Method) && path.Equals("/api/positions", StringComparison.OrdinalIgnoreCase);
        return limited && http.User.FindFirstValue(ClaimTypes.NameIdentifier) is { Length: > 0 } id ? id : "";
    }
}
