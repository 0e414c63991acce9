using System.Text.Json;
using CommandCenter.Domain.Patrols;
using CommandCenter.Web.Features.Grids;
using CommandCenter.Web.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CommandCenter.Web.Features.Patrols;

// Position history for people: one unit's trail, and everything needed to replay a window.
public static class TrailEndpoints
{
    private static readonly JsonSerializerOptions GeoJson = GridFileReader.CreateOptions();

    public static IEndpointRouteBuilder MapTrailEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/patrol/units/{id:long}/trail", TrailAsync).WithTags("Patrols").RequireAuthorization(Access.Policies.ReadPositions);
        app.MapGet("/api/patrol/replay", ReplayAsync).WithTags("Patrols").RequireAuthorization(Access.Policies.ReadPositions);
        return app;
    }

    // Query values are read as text so that a bad one gets a problem naming it, not a bare 400.
    public static async Task<Results<ContentHttpResult, ValidationProblem, ProblemHttpResult>> TrailAsync(
        long id, string? hours, PatrolTrails trails, TimeProvider clock, CancellationToken ct)
    {
        if (HistoryWindow.Trail(hours, clock.GetUtcNow(), out var error) is not { } window) return JsonRequest.Invalid("hours", error!);
        return await trails.TrailAsync(id, window, ct) is { } trail
            ? TypedResults.Text(JsonSerializer.Serialize(trail.ToFeature(), GeoJson), "application/geo+json")
            : TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Unknown unit", detail: $"There is no patrol unit {id}.");
    }

    public static async Task<Results<Ok<ReplayData>, ValidationProblem>> ReplayAsync(
        string? from, string? to, PatrolTrails trails, TimeProvider clock, CancellationToken ct)
    {
        if (HistoryWindow.Replay(from, to, clock.GetUtcNow(), out var error) is not { } window) return JsonRequest.Invalid(error!.Value.Field, error.Value.Message);
        return TypedResults.Ok(await trails.ReplayAsync(window, ct));
    }
}
