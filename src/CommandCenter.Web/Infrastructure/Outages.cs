using System.Net.Sockets;
using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;

namespace CommandCenter.Web.Infrastructure;

// Refused for now, not for good: a queue at capacity, or an instance shutting down. Answered 503
// with Retry-After like an outage; the client's retry goes through (to this or another instance).
public sealed class ServiceUnavailableException(string reason) : Exception(reason);

// Tells an outage (the database or Redis away, a connection cut, the server shutting down) from a
// fault in the request or in our code: an outage is answered 503 with Retry-After, because the same
// request will succeed once the service is back; nothing else is an outage.
public static class Outages
{
    public const int RetryAfterSeconds = 5;

    public static bool IsOutage(Exception? exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case PostgresException pg:
                    // 08: connection exceptions; 57P01–57P03: shutting down or starting; 53300: too many connections.
                    return pg.SqlState.StartsWith("08", StringComparison.Ordinal) || pg.SqlState is "57P01" or "57P02" or "57P03" or "53300";
                case NpgsqlException { IsTransient: true }:
                // The connection broke under a command (the server went away mid-read).
                case NpgsqlException { InnerException: IOException }:
                case ServiceUnavailableException:
                case SocketException:
                case TimeoutException:
                case StackExchange.Redis.RedisConnectionException:
                    return true;
            }
        }
        return false;
    }

    // The API's last word on an exception: 503 + Retry-After for an outage, a plain 500 otherwise;
    // either way a problem body that names no exception (the log has it).
    public static async Task WriteApiFailureAsync(HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(http);
        var error = http.Features.Get<IExceptionHandlerFeature>()?.Error;
        var refusal = FindRefusal(error);
        var outage = IsOutage(error);
        http.Response.StatusCode = outage ? StatusCodes.Status503ServiceUnavailable : StatusCodes.Status500InternalServerError;
        if (outage) http.Response.Headers.RetryAfter = RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        await TypedResults.Problem(
            statusCode: http.Response.StatusCode,
            title: refusal is not null
                ? $"{refusal.Message} Try again shortly."
                : outage
                    ? "The database is unavailable. Try again shortly: a retry with the same idempotency key or externalId is safe."
                    : "An unexpected error occurred. It has been logged.",
            extensions: new Dictionary<string, object?> { ["code"] = outage ? "service_unavailable" : "internal_error" }).ExecuteAsync(http);
    }

    private static ServiceUnavailableException? FindRefusal(Exception? exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
            if (e is ServiceUnavailableException refusal) return refusal;
        return null;
    }

    public static WebApplication UseApiOutageAnswers(this WebApplication app)
    {
        app.UseWhen(http => http.Request.Path.StartsWithSegments("/api"),
            api => api.UseExceptionHandler(new ExceptionHandlerOptions { ExceptionHandler = WriteApiFailureAsync }));
        return app;
    }

    // /health/ready names each part and whether it is up, so an operator sees what is down.
    public static Task WriteHealthAsync(HttpContext http, HealthReport report)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(report);
        http.Response.ContentType = "application/json; charset=utf-8";
        var body = new
        {
            status = report.Status.ToString(),
            checks = report.Entries.ToDictionary(e => e.Key, e => new { status = e.Value.Status.ToString(), description = e.Value.Description }),
        };
        return http.Response.WriteAsync(JsonSerializer.Serialize(body, JsonSerializerOptions.Web));
    }
}
