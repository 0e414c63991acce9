using CommandCenter.Domain.Incidents;
using CommandCenter.Web.Features.Access;
using CommandCenter.Web.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CommandCenter.Web.Features.Incidents;

public static class IncidentEndpoints
{
    public const int MaxBodyBytes = 64 * 1024;

    public static IEndpointRouteBuilder MapIncidentEndpoints(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/incidents").WithTags("Incidents");
        api.MapPost("/", ReportAsync).RequireAuthorization(Policies.ReportIncidents);
        api.MapGet("/{id:long}", GetAsync).RequireAuthorization(Policies.ReadIncidents);
        api.MapGet("/open", OpenAsync).RequireAuthorization(Policies.ReadIncidents);
        api.MapPut("/{id:long}/casualties", SetCasualtiesAsync).RequireAuthorization(Policies.ReportIncidents);
        // Resolving (with its outcome) and closing are dispatch commands: DispatchEndpoints.
        return app;
    }

    // 201 for a new incident, 200 with the stored one for a retry of the same externalId.
    public static async Task<Results<Created<IncidentView>, Ok<IncidentView>, ValidationProblem, ProblemHttpResult>> ReportAsync(
        HttpContext http, HttpRequest request, IncidentService incidents, CancellationToken ct)
    {
        var (report, invalid, tooLarge) = await JsonRequest.ReadAsync<IncidentReport>(request, MaxBodyBytes, ct);
        if (tooLarge is not null) return tooLarge;
        if (invalid is not null) return invalid;
        // A client may name its retry with the standard header instead of externalId.
        if (report!.ExternalId is null && request.Headers["Idempotency-Key"].FirstOrDefault() is { Length: > 0 } key)
            report = report with { ExternalId = key };

        var errors = IncidentReportRules.Validate(report, out var valid);
        if (errors.Count > 0) return TypedResults.ValidationProblem(errors, title: "The incident is not valid.");

        var result = await incidents.CreateAsync(valid!, Actor.From(http), ct);
        return result.IsNew
            ? TypedResults.Created($"/api/incidents/{result.Incident.Id}", result.Incident)
            : TypedResults.Ok(result.Incident);
    }

    public sealed record CasualtiesBody(int? Casualties);

    // The count as now known (injured and dead together); 0 clears it.
    public static async Task<Results<Ok<IncidentView>, NotFound, ValidationProblem, ProblemHttpResult>> SetCasualtiesAsync(
        long id, HttpContext http, HttpRequest request, IncidentService incidents, CancellationToken ct)
    {
        var (body, invalid, tooLarge) = await JsonRequest.ReadAsync<CasualtiesBody>(request, 4 * 1024, ct);
        if (tooLarge is not null) return tooLarge;
        if (invalid is not null) return invalid;
        if (body!.Casualties is not (>= 0 and <= IncidentReportRules.MaxCasualties) || body.Casualties is not { } count)
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["casualties"] = [$"casualties is required, between 0 and {IncidentReportRules.MaxCasualties}."] },
                title: "The casualty count is not valid.");
        return await incidents.SetCasualtiesAsync(id, count, Actor.From(http), ct) is { } view ? TypedResults.Ok(view) : TypedResults.NotFound();
    }

    public static async Task<Results<Ok<IncidentView>, NotFound>> GetAsync(long id, IncidentService incidents, CancellationToken ct) =>
        await incidents.GetAsync(id, ct) is { } view ? TypedResults.Ok(view) : TypedResults.NotFound();

    public static async Task<Ok<IncidentSnapshot>> OpenAsync(IncidentService incidents, CancellationToken ct) =>
        TypedResults.Ok(await incidents.OpenSnapshotAsync(ct: ct));
}
