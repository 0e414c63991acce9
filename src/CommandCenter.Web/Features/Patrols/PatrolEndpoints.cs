using System.Buffers;
using System.Text;
using CommandCenter.Domain.Patrols;
using CommandCenter.Web.Features.Access;
using CommandCenter.Web.Infrastructure;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;

namespace CommandCenter.Web.Features.Patrols;

public static class PatrolEndpoints
{
    public const string OsmAndPath = "/api/osmand";
    public const int MaxOsmAndBodyBytes = 64 * 1024;

    public static IEndpointRouteBuilder MapPatrolEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/positions", async (HttpRequest request, PositionIngest ingest, IOptions<PatrolOptions> options, CancellationToken ct) =>
        {
            var o = options.Value;
            if (request.ContentType is { } type && !type.Contains("json", StringComparison.OrdinalIgnoreCase))
                return Results.Problem(statusCode: StatusCodes.Status415UnsupportedMediaType, title: "Unsupported media type", detail: "Send the batch as application/json.");
            var (body, length) = await ReadPooledAsync(request, o.MaxBatchBytes, ct);
            if (body is null) return JsonRequest.TooLarge(o.MaxBatchBytes);
            IReadOnlyList<ParsedFix>? fixes;
            PositionBatch.Failure? failure;
            try
            {
                (fixes, failure) = PositionBatch.Parse(body.AsSpan(0, length), o.MaxBatchFixes);
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(body);
            }
            if (failure is not null)
            {
                return failure.TooMany
                    ? Results.Problem(statusCode: StatusCodes.Status413PayloadTooLarge, title: "Too many fixes", detail: failure.Message,
                        extensions: new Dictionary<string, object?> { ["field"] = failure.Field })
                    : JsonRequest.Invalid(failure.Field, failure.Message);
            }
            var result = await ingest.IngestBatchAsync(fixes!, ct);
            // Nothing usable: a problem naming every field. Otherwise the valid fixes are kept and
            // the answer lists the rejected ones with the same field names.
            return result.Accepted == 0
                ? Results.ValidationProblem(result.Rejected.SelectMany(r => r.Errors).ToDictionary(e => e.Key, e => e.Value),
                    title: "No fix in the batch is valid.")
                : Results.Ok(result);
        }).WithTags("Patrols").RequireAuthorization(Access.Policies.ReportPositions);

        // The OsmAnd protocol as Traccar Client and OsmAnd send it: GET with a query, POST with a
        // query or a form body, or POST application/json. The apps only read the status code.
        app.MapMethods(OsmAndPath, [HttpMethods.Get, HttpMethods.Post], async (HttpContext http, PositionIngest ingest, CenterRateLimiters limiters,
            TimeProvider clock, CancellationToken ct) =>
        {
            var request = http.Request;
            var remote = http.Connection.RemoteIpAddress?.ToString();
            var isJson = request.ContentType?.StartsWith("application/json", StringComparison.OrdinalIgnoreCase) == true;
            var (body, tooLarge) = HttpMethods.IsPost(request.Method)
                ? await JsonRequest.ReadBodyAsync(request, MaxOsmAndBodyBytes, ct)
                : ([], null);
            if (tooLarge is not null) return tooLarge;

            OsmAndMessage message;
            if (isJson)
            {
                message = OsmAnd.ParseJson(body, request.Query[OsmAndMessage.TokenParameter].FirstOrDefault());
                if (message.Errors.TryGetValue("body", out var bodyError)) return Results.ValidationProblem(message.Errors, title: bodyError[0]);
            }
            else
            {
                // Like Traccar, a body is read as url-encoded parameters whatever its content type.
                var parameters = request.Query.SelectMany(q => q.Value.Select(v => new KeyValuePair<string, string?>(q.Key, v))).ToList();
                if (body!.Length > 0)
                    parameters.AddRange(QueryHelpers.ParseQuery(Encoding.UTF8.GetString(body))
                        .SelectMany(q => ((StringValues)q.Value).Select(v => new KeyValuePair<string, string?>(q.Key, v))));
                message = OsmAnd.ParseQuery(parameters, clock.GetUtcNow());
            }

            // Ids that could never be registered are refused before any lookup, cache or counter.
            if (message.DeviceId is { Length: > 0 } deviceId)
            {
                if (FixRules.DeviceIdProblem(deviceId) is { } idProblem)
                    return Results.ValidationProblem(new Dictionary<string, string[]> { ["id"] = [idProblem] }, title: "The device id is not valid.");
                // Limited here rather than by the middleware: only the handler has the id of
                // every form (query, form body, JSON body).
                using var lease = await limiters.OsmAndByDevice.AcquireAsync(deviceId, 1, ct);
                if (!lease.IsAcquired)
                {
                    await limiters.RejectAsync(http, lease, "Too many fixes from this device");
                    return Results.Empty;
                }
            }

            var (outcome, errors) = await ingest.IngestOsmAndAsync(message, isJson ? "json" : "query", remote, ct);
            return outcome switch
            {
                OsmAndOutcome.Stored or OsmAndOutcome.Duplicate => Results.Ok(),
                // What Traccar answers for an unknown device: 400 for the query form, 404 for the
                // JSON form. A missing or wrong token gets the very same answer.
                OsmAndOutcome.Refused => isJson
                    ? Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "Device refused", detail: errors.Values.First()[0])
                    : Results.ValidationProblem(errors, title: "Device refused"),
                _ => Results.ValidationProblem(errors, title: "The fix is not valid."),
            };
        }).WithTags("Patrols").DisableAntiforgery()
            .AllowAnonymous(); // the device id (and token) is the credential: Traccar Client / OsmAnd send nothing else

        app.MapGet("/api/patrol/units/live", (PatrolLiveFeed feed) => Results.Ok(feed.Snapshot())).WithTags("Patrols")
            .RequireAuthorization(Access.Policies.ReadPositions);
        return app;
    }

    // The body in a pooled buffer (batches run to megabytes: no garbage per request), or null
    // as soon as it passes maxBytes, declared or actually sent.
    private static async Task<(byte[]? Body, int Length)> ReadPooledAsync(HttpRequest request, int maxBytes, CancellationToken ct)
    {
        if (request.ContentLength > maxBytes) return (null, 0);
        var body = ArrayPool<byte>.Shared.Rent((int)Math.Clamp(request.ContentLength ?? 16 * 1024, 1, maxBytes) + 1);
        var length = 0;
        int read;
        while ((read = await request.Body.ReadAsync(body.AsMemory(length), ct)) > 0)
        {
            length += read;
            if (length > maxBytes)
            {
                ArrayPool<byte>.Shared.Return(body);
                return (null, 0);
            }
            if (length == body.Length)
            {
                var larger = ArrayPool<byte>.Shared.Rent(Math.Min(body.Length * 2, maxBytes + 1));
                body.AsSpan(0, length).CopyTo(larger);
                ArrayPool<byte>.Shared.Return(body);
                body = larger;
            }
        }
        return (body, length);
    }

    // Unit and device management: an Admin, or an API key with the patrol:admin scope. Audited.
    public static IEndpointRouteBuilder MapPatrolAdminEndpoints(this IEndpointRouteBuilder app)
    {
        var admin = app.MapGroup("/api/admin/patrol").WithTags("Patrol admin").RequireAuthorization(Access.Policies.AdministerPatrols);
        const int maxBody = 16 * 1024;

        admin.MapGet("/units", async (PatrolAdmin patrols, CancellationToken ct) => Results.Ok(await patrols.UnitsAsync(ct)));

        admin.MapPost("/units", async (HttpContext http, PatrolAdmin patrols, CancellationToken ct) =>
        {
            var (body, problem) = await JsonRequest.ReadAsync<NewUnit>(http.Request, maxBody, ct);
            if (problem is not null) return problem;
            return await Guard(async () =>
            {
                var unit = await patrols.CreateUnitAsync(body!, Actor.From(http), ct);
                return Results.Created($"/api/admin/patrol/units/{unit.Id}", unit);
            });
        });

        admin.MapPut("/units/{id:long}/duty", async (long id, HttpContext http, PatrolAdmin patrols, CancellationToken ct) =>
        {
            var (body, problem) = await JsonRequest.ReadAsync<DutyChange>(http.Request, maxBody, ct);
            if (problem is not null) return problem;
            return await Guard(async () => await patrols.SetDutyAsync(id, body!, Actor.From(http), ct) is { } unit ? Results.Ok(unit) : Results.NotFound());
        });

        admin.MapGet("/devices", async (PatrolAdmin patrols, CancellationToken ct) => Results.Ok(await patrols.DevicesAsync(ct)));

        admin.MapPost("/devices", async (HttpContext http, PatrolAdmin patrols, CancellationToken ct) =>
        {
            var (body, problem) = await JsonRequest.ReadAsync<NewDevice>(http.Request, maxBody, ct);
            if (problem is not null) return problem;
            return await Guard(async () =>
            {
                var device = await patrols.RegisterDeviceAsync(body!, Actor.From(http), ct);
                return Results.Created($"/api/admin/patrol/devices/{Uri.EscapeDataString(device.DeviceId)}", device);
            });
        });

        admin.MapDelete("/devices/{deviceId}", async (string deviceId, HttpContext http, PatrolAdmin patrols, CancellationToken ct) =>
            await patrols.RemoveDeviceAsync(deviceId, Actor.From(http), ct) ? Results.NoContent() : Results.NotFound());

        return app;
    }

    private static async Task<IResult> Guard(Func<Task<IResult>> action)
    {
        try
        {
            return await action();
        }
        catch (PatrolAdminException ex)
        {
            return JsonRequest.Invalid(ex.Field, ex.Message);
        }
    }
}
