using CommandCenter.Domain.Incidents;
using CommandCenter.Web.Features.Access;
using CommandCenter.Web.Infrastructure;

namespace CommandCenter.Web.Features.Incidents;

public static class IncidentEndpoints
{
    public const int MaxBodyBytes = 64 * 1024;

    public static IEndpointRouteBuilder MapIncidentEndpoints(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/incidents").WithTags("Incidents");

        api.MapPost("/", async (HttpContext http, HttpRequest request, IncidentService incidents, CancellationToken ct) =>
        {
            var (report, problem) = await JsonRequest.ReadAsync<IncidentReport>(request, MaxBodyBytes, ct);
            if (problem is not null) return problem;
            // A client may name its retry with the standard header instead of externalId.
            if (report!.ExternalId is null && request.Headers["Idempotency-Key"].FirstOrDefault() is { Length: > 0 } key)
                report = report with { ExternalId = key };

            var errors = IncidentReportRules.Validate(report, out var valid);
            if (errors.Count > 0) return Results.ValidationProblem(errors, title: "The incident is not valid.");

            var result = await incidents.CreateAsync(valid!, Actor.From(http), ct);
            var location = $"/api/incidents/{result.Incident.Id}";
            return result.IsNew ? Results.Created(location, result.Incident) : Results.Ok(result.Incident);
        }).RequireAuthorization(Policies.ReportIncidents);

        api.MapGet("/{id:long}", async (long id, IncidentService incidents, CancellationToken ct) =>
            await incidents.GetAsync(id, ct) is { } view ? Results.Ok(view) : Results.NotFound())
            .RequireAuthorization(Policies.ReadIncidents);

        api.MapGet("/open", async (IncidentService incidents, CancellationToken ct) =>
            Results.Ok(await incidents.OpenSnapshotAsync(ct: ct)))
            .RequireAuthorization(Policies.ReadIncidents);

        return app;
    }
}
