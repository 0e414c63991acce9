using System.Security.Claims;
using CommandCenter.Domain.Dispatch;
using CommandCenter.Domain.Incidents;
using CommandCenter.Domain.Patrols;
using CommandCenter.Web.Features.Access;
using CommandCenter.Web.Features.Incidents;
using CommandCenter.Web.Features.Rooms;
using CommandCenter.Web.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CommandCenter.Web.Features.Dispatch;

public sealed record AssignRequest(long? UnitId);

public sealed record StepRequest(string? Step);

public sealed record OutcomeRequest(string? Outcome);

public sealed record VerificationRequest(string? Verification);

public sealed record LinkReportRequest(string? Description, string? CallbackNumber);

public static class DispatchEndpoints
{
    private const int MaxBodyBytes = 16 * 1024;

    public static IServiceCollection AddDispatch(this IServiceCollection services, IConfiguration config)
    {
        services.AddSingleton<UnitRecommender>();
        services.AddSingleton<DispatchService>();
        services.AddSingleton<IResponderDesk, ResponderDesk>();
        services.AddSingleton<Gazetteer>();
        services.AddSingleton<IDispatchDesk, DispatchDesk>();
        services.AddHostedService<PlaceSeeder>();
        services.AddHostedService<DemoDispatcher>();
        services.AddOptions<DispatchOptions>().Bind(config.GetSection(DispatchOptions.Section));
        return services;
    }

    public static IEndpointRouteBuilder MapDispatchEndpoints(this IEndpointRouteBuilder app)
    {
        var incidents = app.MapGroup("/api/incidents").WithTags("Dispatch");
        incidents.MapGet("/{id:long}/recommendations", RecommendAsync).RequireAuthorization(Policies.Dispatch);
        incidents.MapGet("/duplicates", DuplicatesAsync).RequireAuthorization(Policies.Dispatch);
        incidents.MapPost("/{id:long}/assignments", AssignAsync).RequireAuthorization(Policies.Dispatch);
        incidents.MapPost("/{id:long}/linked-reports", LinkReportAsync).RequireAuthorization(Policies.Dispatch);
        incidents.MapPost("/{id:long}/resolve", ResolveAsync).RequireAuthorization(Policies.HandleIncidents);
        incidents.MapPost("/{id:long}/close", CloseAsync).RequireAuthorization(Policies.CloseIncidents);
        incidents.MapGet("/{id:long}/timeline", TimelineAsync).RequireAuthorization(Policies.ReadIncidents);
        app.MapPost("/api/assignments/{id:long}/steps", StepAsync).WithTags("Dispatch").RequireAuthorization(Policies.AdvanceAssignments);
        app.MapGet("/api/responder/assignment", MyAssignmentAsync).WithTags("Dispatch").RequireAuthorization(Policies.Respond);
        app.MapGet("/api/places", PlacesAsync).WithTags("Dispatch").RequireAuthorization(Policies.Dispatch);
        return app;
    }

    // GET /api/incidents/{id}/recommendations?kind=vehicle&take=10
    private static async Task<Results<Ok<Recommendations>, NotFound, ValidationProblem>> RecommendAsync(
        long id, string? kind, int? take, UnitRecommender recommender, CancellationToken ct)
    {
        UnitKind? only = null;
        if (kind is not null)
        {
            if (!PatrolCodes.TryParseKind(kind, out var parsed))
                return JsonRequest.Invalid("kind", $"kind must be one of {string.Join(", ", PatrolCodes.KindCodes)}.");
            only = parsed;
        }
        return await recommender.ForIncidentAsync(id, only, take ?? 10, ct) is { } found ? TypedResults.Ok(found) : TypedResults.NotFound();
    }

    // GET /api/incidents/duplicates?type=fire&latitude=30.25&longitude=120.17
    private static async Task<Results<Ok<IReadOnlyList<PossibleDuplicateView>>, ValidationProblem>> DuplicatesAsync(
        string? type, double? latitude, double? longitude, DispatchService dispatch, CancellationToken ct)
    {
        if (!IncidentCodes.TryParseType(type, out var parsed))
            return JsonRequest.Invalid("type", $"type must be one of {string.Join(", ", IncidentCodes.TypeCodes)}.");
        if (latitude is not (>= -90 and <= 90)) return JsonRequest.Invalid("latitude", "latitude must be between -90 and 90.");
        if (longitude is not (>= -180 and <= 180)) return JsonRequest.Invalid("longitude", "longitude must be between -180 and 180.");
        return TypedResults.Ok(await dispatch.DuplicatesAsync(parsed, latitude.Value, longitude.Value, ct));
    }

    // POST /api/incidents/{id}/assignments {"unitId": 7}
    private static async Task<IResult> AssignAsync(long id, HttpContext http, DispatchService dispatch, CancellationToken ct)
    {
        var read = await JsonRequest.ReadAsync<AssignRequest>(http.Request, MaxBodyBytes, ct);
        if (read.Problem is { } problem) return problem;
        var body = read.Value;
        if (body!.UnitId is not { } unitId) return JsonRequest.Invalid("unitId", "unitId is required.");
        return await Refusals(async () => await dispatch.AssignAsync(id, unitId, Actor.From(http), ct) is { } made
            ? TypedResults.Created($"/api/assignments/{made.Id}", made)
            : TypedResults.NotFound());
    }

    // POST /api/assignments/{id}/steps {"step": "depart" | "arrive" | "clear"}
    private static async Task<IResult> StepAsync(long id, HttpContext http, DispatchService dispatch, CancellationToken ct)
    {
        var read = await JsonRequest.ReadAsync<StepRequest>(http.Request, MaxBodyBytes, ct);
        if (read.Problem is { } problem) return problem;
        var body = read.Value;
        if (!AssignmentCodes.TryParseStep(body!.Step, out var step)) return JsonRequest.Invalid("step", "step must be one of depart, arrive, clear.");
        long? onlyUnit = null;
        if (IsResponderOnly(http.User))
        {
            onlyUnit = await dispatch.UnitOfAsync(http.User, ct);
            if (onlyUnit is null) return TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "No unit", detail: "Your account is not bound to a patrol unit.");
        }
        return await Refusals(async () => await dispatch.AdvanceAsync(id, step, Actor.From(http), onlyUnit, ct) is { } moved
            ? TypedResults.Ok(moved)
            : TypedResults.NotFound());
    }

    // POST /api/incidents/{id}/resolve {"outcome": "..."}
    private static async Task<IResult> ResolveAsync(long id, HttpContext http, DispatchService dispatch, CancellationToken ct)
    {
        var read = await JsonRequest.ReadAsync<OutcomeRequest>(http.Request, MaxBodyBytes, ct);
        return read.Problem ?? await ConcludeAsync("outcome", read.Value!.Outcome, "outcome is required: say what was done.",
            text => dispatch.ResolveAsync(id, text, Actor.From(http), ct));
    }

    // POST /api/incidents/{id}/close {"verification": "..."}
    private static async Task<IResult> CloseAsync(long id, HttpContext http, DispatchService dispatch, CancellationToken ct)
    {
        var read = await JsonRequest.ReadAsync<VerificationRequest>(http.Request, MaxBodyBytes, ct);
        return read.Problem ?? await ConcludeAsync("verification", read.Value!.Verification, "verification is required to close (核查结案).",
            text => dispatch.CloseAsync(id, text, Actor.From(http), ct));
    }

    // Resolving and closing both need a text (the outcome, the verification) within the limit.
    private static async Task<IResult> ConcludeAsync(string field, string? text, string missing, Func<string, Task<IncidentView?>> command)
    {
        if (string.IsNullOrWhiteSpace(text)) return JsonRequest.Invalid(field, missing);
        if (text.Length > IncidentReportRules.MaxDescriptionLength)
            return JsonRequest.Invalid(field, $"{field} must be at most {IncidentReportRules.MaxDescriptionLength} characters.");
        return await Refusals(async () => await command(text) is { } view ? TypedResults.Ok(view) : TypedResults.NotFound());
    }

    // POST /api/incidents/{id}/linked-reports {"description": "...", "callbackNumber": "..."}
    private static async Task<IResult> LinkReportAsync(long id, HttpContext http, DispatchService dispatch, CancellationToken ct)
    {
        var read = await JsonRequest.ReadAsync<LinkReportRequest>(http.Request, MaxBodyBytes, ct);
        if (read.Problem is { } problem) return problem;
        var body = read.Value;
        if (body!.Description?.Length > IncidentReportRules.MaxDescriptionLength)
            return JsonRequest.Invalid("description", $"description must be at most {IncidentReportRules.MaxDescriptionLength} characters.");
        if (CallRules.WhyNotCallback(body.CallbackNumber) is { } bad) return JsonRequest.Invalid("callbackNumber", bad);
        return await Refusals(async () => await dispatch.LinkReportAsync(id, body.Description, body.CallbackNumber, Actor.From(http), ct) is { } view
            ? TypedResults.Ok(view)
            : TypedResults.NotFound());
    }

    // GET /api/incidents/{id}/timeline: oldest first.
    private static async Task<Ok<IReadOnlyList<TimelineEntry>>> TimelineAsync(long id, DispatchService dispatch, CancellationToken ct) =>
        TypedResults.Ok(await dispatch.TimelineAsync(id, ct));

    // GET /api/responder/assignment: the signed-in responder's current assignment, 204 when none;
    // 404 when the account's unit does not exist (an admin binds it on the users page).
    private static async Task<Results<Ok<AssignmentView>, NoContent, ProblemHttpResult>> MyAssignmentAsync(HttpContext http, DispatchService dispatch, CancellationToken ct)
    {
        if (await dispatch.UnitOfAsync(http.User, ct) is not { } unitId)
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No unit", detail: "Your account is not bound to an existing patrol unit.");
        return await dispatch.CurrentForUnitAsync(unitId, ct) is { } current ? TypedResults.Ok(current) : TypedResults.NoContent();
    }

    // GET /api/places?q=吴山: the local gazetteer (subdistricts, communities, grids, landmarks).
    private static async Task<Results<Ok<IReadOnlyList<PlaceHit>>, ValidationProblem>> PlacesAsync(string? q, Gazetteer gazetteer, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(q)) return JsonRequest.Invalid("q", "q is required.");
        if (q.Length > 100) return JsonRequest.Invalid("q", "q must be at most 100 characters.");
        return TypedResults.Ok(await gazetteer.SearchAsync(q, 10, ct));
    }


    private static bool IsResponderOnly(ClaimsPrincipal user) =>
        user.IsInRole(Roles.Responder) && !user.IsInRole(Roles.Dispatcher) && !user.IsInRole(Roles.DutyOfficer) && !user.IsInRole(Roles.Admin);


    // A refused command: 409 when the state of things (or another dispatcher) stands in the way,
    // 422 when what was sent cannot be accepted; the code lets a client translate the reason.
    private static async Task<IResult> Refusals(Func<Task<IResult>> command)
    {
        try
        {
            return await command();
        }
        catch (DispatchRefusedException ex)
        {
            return TypedResults.Problem(
                statusCode: ex.Refusal == DispatchService.NotYourUnit ? StatusCodes.Status403Forbidden
                    : ex.Conflict ? StatusCodes.Status409Conflict : StatusCodes.Status422UnprocessableEntity,
                title: ex.Conflict ? "Refused: the situation has changed" : "Refused",
                detail: ex.Refusal.Message,
                extensions: new Dictionary<string, object?> { ["code"] = ex.Refusal.Code });
        }
    }
}
