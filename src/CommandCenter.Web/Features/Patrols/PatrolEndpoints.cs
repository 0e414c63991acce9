using System.Text;
using CommandCenter.Domain.Patrols;
using CommandCenter.Web.Features.Access;
using CommandCenter.Web.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;

namespace CommandCenter.Web.Features.Patrols;

public static class PatrolEndpoints
{
    public const string OsmAndPath = "/api/osmand";
    public const int MaxOsmAndBodyBytes = 64 * 1024;
    private const int MaxAdminBodyBytes = 16 * 1024;

    public static IEndpointRouteBuilder MapPatrolEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/positions", ReportBatchAsync).WithTags("Patrols").RequireAuthorization(Access.Policies.ReportPositions);
        // The OsmAnd protocol as Traccar Client and OsmAnd send it: GET with a query, POST with a
        // query or a form body, or POST application/json. The apps only read the status code.
        app.MapMethods(OsmAndPath, [HttpMethods.Get, HttpMethods.Post], ReportOsmAndAsync).WithTags("Patrols").DisableAntiforgery()
            .AllowAnonymous(); // the device id (and token) is the credential: Traccar Client / OsmAnd send nothing else
        // Daily work: the desks change a unit's duty; Admin is not needed.
        app.MapPut("/api/patrol/units/{id:long}/duty", SetDutyAsync).WithTags("Patrols").RequireAuthorization(Access.Policies.ChangeDuty);
        app.MapGet("/api/patrol/units/live", Live).WithTags("Patrols").RequireAuthorization(Access.Policies.ReadPositions);
        return app;
    }

    // Unit and device management: an Admin, or an API key with the patrol:admin scope. Audited.
    public static IEndpointRouteBuilder MapPatrolAdminEndpoints(this IEndpointRouteBuilder app)
    {
        var admin = app.MapGroup("/api/admin/patrol").WithTags("Patrol admin").RequireAuthorization(Access.Policies.AdministerPatrols);
        admin.MapGet("/units", UnitsAsync);
        admin.MapPost("/units", CreateUnitAsync);
        admin.MapPut("/units/{id:long}/duty", SetDutyAsync);
        admin.MapGet("/devices", DevicesAsync);
        admin.MapPost("/devices", RegisterDeviceAsync);
        admin.MapDelete("/devices/{deviceId}", RemoveDeviceAsync);
        return app;
    }

    public static async Task<Results<Ok<BatchResult>, ValidationProblem, ProblemHttpResult>> ReportBatchAsync(
        HttpRequest request, PositionIngest ingest, IOptions<PatrolOptions> options, CancellationToken ct)
    {
        var o = options.Value;
        if (request.ContentType is { } type && !type.Contains("json", StringComparison.OrdinalIgnoreCase))
            return TypedResults.Problem(statusCode: StatusCodes.Status415UnsupportedMediaType, title: "Unsupported media type", detail: "Send the batch as application/json.");
        IReadOnlyList<ParsedFix>? fixes;
        PositionBatch.Failure? failure;
        // The buffer goes back to the pool before the fixes are written.
        using (var body = await RequestBody.ReadAsync(request, o.MaxBatchBytes, ct))
        {
            if (body is null) return JsonRequest.TooLarge(o.MaxBatchBytes);
            (fixes, failure) = PositionBatch.Parse(body.Span, o.MaxBatchFixes);
        }
        if (failure is not null)
        {
            return failure.TooMany
                ? TypedResults.Problem(statusCode: StatusCodes.Status413PayloadTooLarge, title: "Too many fixes", detail: failure.Message,
                    extensions: new Dictionary<string, object?> { ["field"] = failure.Field })
                : JsonRequest.Invalid(failure.Field, failure.Message);
        }
        var result = await ingest.IngestBatchAsync(fixes!, ct);
        // Nothing usable: a problem naming every field. Otherwise the valid fixes are kept and
        // the answer lists the rejected ones with the same field names.
        return result.Accepted == 0
            ? TypedResults.ValidationProblem(result.Rejected.SelectMany(r => r.Errors).ToDictionary(e => e.Key, e => e.Value),
                title: "No fix in the batch is valid.")
            : TypedResults.Ok(result);
    }

    public static async Task<Results<Ok, EmptyHttpResult, ValidationProblem, ProblemHttpResult>> ReportOsmAndAsync(
        HttpContext http, PositionIngest ingest, CenterRateLimiters limiters, TimeProvider clock, CancellationToken ct)
    {
        var isJson = http.Request.ContentType?.StartsWith("application/json", StringComparison.OrdinalIgnoreCase) == true;
        if (await ReadOsmAndAsync(http.Request, isJson, clock, ct) is not { } message) return JsonRequest.TooLarge(MaxOsmAndBodyBytes);
        if (isJson && message.Errors.TryGetValue("body", out var bodyError)) return TypedResults.ValidationProblem(message.Errors, title: bodyError[0]);

        // Ids that could never be registered are refused before any lookup, cache or counter.
        if (message.DeviceId is { Length: > 0 } deviceId)
        {
            if (FixRules.DeviceIdProblem(deviceId) is { } idProblem)
                return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["id"] = [idProblem] }, title: "The device id is not valid.");
            // Limited here rather than by the middleware: only the handler has the id of
            // every form (query, form body, JSON body).
            using var lease = await limiters.OsmAndByDevice.AcquireAsync(deviceId, 1, ct);
            if (!lease.IsAcquired)
            {
                await limiters.RejectAsync(http, lease, "Too many fixes from this device");
                return TypedResults.Empty;
            }
        }

        var (outcome, errors) = await ingest.IngestOsmAndAsync(message, isJson ? "json" : "query", http.Connection.RemoteIpAddress?.ToString(), ct);
        return outcome switch
        {
            OsmAndOutcome.Stored or OsmAndOutcome.Duplicate => TypedResults.Ok(),
            // What Traccar answers for an unknown device: 400 for the query form, 404 for the
            // JSON form. A missing or wrong token gets the very same answer.
            OsmAndOutcome.Refused when isJson =>
                TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Device refused", detail: errors.Values.First()[0]),
            OsmAndOutcome.Refused => TypedResults.ValidationProblem(errors, title: "Device refused"),
            _ => TypedResults.ValidationProblem(errors, title: "The fix is not valid."),
        };
    }

    // The message of a query, a form body or a JSON body; null when the body is too large.
    private static async Task<OsmAndMessage?> ReadOsmAndAsync(HttpRequest request, bool isJson, TimeProvider clock, CancellationToken ct)
    {
        using var body = HttpMethods.IsPost(request.Method) ? await RequestBody.ReadAsync(request, MaxOsmAndBodyBytes, ct) : null;
        if (body is null && HttpMethods.IsPost(request.Method)) return null;
        if (isJson) return OsmAnd.ParseJson(body!.Span, request.Query[OsmAndMessage.TokenParameter].FirstOrDefault());

        // Like Traccar, a body is read as url-encoded parameters whatever its content type.
        var parameters = request.Query.SelectMany(q => q.Value.Select(v => new KeyValuePair<string, string?>(q.Key, v))).ToList();
        if (body is { Length: > 0 })
            parameters.AddRange(QueryHelpers.ParseQuery(Encoding.UTF8.GetString(body.Span))
                .SelectMany(q => ((StringValues)q.Value).Select(v => new KeyValuePair<string, string?>(q.Key, v))));
        return OsmAnd.ParseQuery(parameters, clock.GetUtcNow());
    }

    public static Ok<PatrolUpdate> Live(PatrolLiveFeed feed) => TypedResults.Ok(feed.Snapshot());

    public static async Task<Ok<IReadOnlyList<UnitView>>> UnitsAsync(PatrolAdmin patrols, CancellationToken ct) =>
        TypedResults.Ok(await patrols.UnitsAsync(ct));

    public static async Task<Results<Created<UnitView>, ValidationProblem, ProblemHttpResult>> CreateUnitAsync(
        HttpContext http, PatrolAdmin patrols, CancellationToken ct)
    {
        var (body, invalid, tooLarge) = await JsonRequest.ReadAsync<NewUnit>(http.Request, MaxAdminBodyBytes, ct);
        if (tooLarge is not null) return tooLarge;
        if (invalid is not null) return invalid;
        try
        {
            var unit = await patrols.CreateUnitAsync(body!, Actor.From(http), ct);
            return TypedResults.Created($"/api/admin/patrol/units/{unit.Id}", unit);
        }
        catch (PatrolAdminException ex)
        {
            return JsonRequest.Invalid(ex.Field, ex.Message);
        }
        catch (PatrolDutyConflictException ex)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "The unit is on an assignment", detail: ex.Message);
        }
    }

    public static async Task<Results<Ok<UnitView>, NotFound, ValidationProblem, ProblemHttpResult>> SetDutyAsync(
        long id, HttpContext http, PatrolAdmin patrols, CancellationToken ct)
    {
        var (body, invalid, tooLarge) = await JsonRequest.ReadAsync<DutyChange>(http.Request, MaxAdminBodyBytes, ct);
        if (tooLarge is not null) return tooLarge;
        if (invalid is not null) return invalid;
        try
        {
            return await patrols.SetDutyAsync(id, body!, Actor.From(http), ct) is { } unit ? TypedResults.Ok(unit) : TypedResults.NotFound();
        }
        catch (PatrolAdminException ex)
        {
            return JsonRequest.Invalid(ex.Field, ex.Message);
        }
        catch (PatrolDutyConflictException ex)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "The unit is on an assignment", detail: ex.Message);
        }
    }

    public static async Task<Ok<IReadOnlyList<DeviceView>>> DevicesAsync(PatrolAdmin patrols, CancellationToken ct) =>
        TypedResults.Ok(await patrols.DevicesAsync(ct));

    public static async Task<Results<Created<DeviceView>, ValidationProblem, ProblemHttpResult>> RegisterDeviceAsync(
        HttpContext http, PatrolAdmin patrols, CancellationToken ct)
    {
        var (body, invalid, tooLarge) = await JsonRequest.ReadAsync<NewDevice>(http.Request, MaxAdminBodyBytes, ct);
        if (tooLarge is not null) return tooLarge;
        if (invalid is not null) return invalid;
        try
        {
            var device = await patrols.RegisterDeviceAsync(body!, Actor.From(http), ct);
            return TypedResults.Created($"/api/admin/patrol/devices/{Uri.EscapeDataString(device.DeviceId)}", device);
        }
        catch (PatrolAdminException ex)
        {
            return JsonRequest.Invalid(ex.Field, ex.Message);
        }
    }

    public static async Task<Results<NoContent, NotFound>> RemoveDeviceAsync(string deviceId, HttpContext http, PatrolAdmin patrols, CancellationToken ct) =>
        await patrols.RemoveDeviceAsync(deviceId, Actor.From(http), ct) ? TypedResults.NoContent() : TypedResults.NotFound();
}
