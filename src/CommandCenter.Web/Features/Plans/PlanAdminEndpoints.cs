using CommandCenter.Domain.Plans;
using CommandCenter.Web.Features.Access;
using CommandCenter.Web.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CommandCenter.Web.Features.Plans;

public sealed record PlanSaveBody(string? Document);

// Plan editing (应急预案管理): an Admin's session only. Every save is a new version, audited.
public static class PlanAdminEndpoints
{
    public const string Path = "/api/admin/plans";

    // A document is at most PlanParser.MaxDocumentChars characters; as JSON, with every one escaped
    // (\uXXXX, as System.Text.Json writes Chinese by default), it stays under this.
    private const int MaxJsonBytes = PlanParser.MaxDocumentChars * 6 + 4096;

    public static IEndpointRouteBuilder MapPlanAdminEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup(Path).WithTags("Plans admin").RequireAuthorization(Policies.Administer);
        group.MapGet("/", ListAsync);
        group.MapGet("/{code}", GetAsync);
        group.MapGet("/{code}/versions/{version:int}", VersionAsync);
        group.MapPost("/", SaveAsync);
        return app;
    }

    private static async Task<Ok<IReadOnlyList<PlanVersionInfo>>> ListAsync(IPlanLibrary plans, CancellationToken ct) =>
        TypedResults.Ok(await plans.ListAsync(ct));

    private static async Task<Results<Ok<PlanDetail>, NotFound>> GetAsync(string code, IPlanLibrary plans, CancellationToken ct) =>
        await plans.GetAsync(code, ct) is { } plan ? TypedResults.Ok(plan) : TypedResults.NotFound();

    private static async Task<Results<Ok<PlanText>, NotFound>> VersionAsync(string code, int version, IPlanLibrary plans, CancellationToken ct) =>
        await plans.GetVersionAsync(code, version, ct) is { } text ? TypedResults.Ok(text) : TypedResults.NotFound();

    // POST /api/admin/plans {"document": "<yaml>"}: 201 with the new version; 422 with every problem
    // keyed by its path (levels[1].tasks[0].ownerRole, or version when it is not above the current one).
    private static async Task<IResult> SaveAsync(HttpContext http, IPlanLibrary plans, CancellationToken ct)
    {
        var read = await JsonRequest.ReadAsync<PlanSaveBody>(http.Request, MaxJsonBytes, ct);
        if (read.Problem is { } problem) return problem;
        if (string.IsNullOrWhiteSpace(read.Value!.Document)) return JsonRequest.Invalid("document", "document is required: the plan's YAML text.");
        var result = await plans.SaveAsync(read.Value.Document, Actor.From(http), ct);
        if (result.Saved is { } saved) return TypedResults.Created($"{Path}/{saved.Code}/versions/{saved.Version}", saved);
        return TypedResults.Problem(new HttpValidationProblemDetails(result.Errors.ToDictionary())
        {
            Status = StatusCodes.Status422UnprocessableEntity,
            Title = "The plan is not valid.",
            Extensions = { ["field"] = result.Errors.Keys.FirstOrDefault() },
        });
    }
}
