using System.Text.Json;
using CommandCenter.Domain.Patrols;
using CommandCenter.Web.Features.Grids;
using CommandCenter.Web.Infrastructure;

namespace CommandCenter.Web.Features.Patrols;

// Position history for people: one unit's trail, and everything needed to replay a window.
public static class TrailEndpoints
{
    private static readonly JsonSerializerOptions GeoJson = GridFileReader.CreateOptions();

    public static IEndpointRouteBuilder MapTrailEndpoints(this IEndpointRouteBuilder app)
    {
        // Query values are read as text so that a bad one gets a problem naming it, not a bare 400.
        app.MapGet("/api/patrol/units/{id:long}/trail", async (long id, string? hours, PatrolTrails trails, TimeProvider clock, CancellationToken ct) =>
        {
            if (HistoryWindow.Trail(hours, clock.GetUtcNow(), out var error) is not { } window) return JsonRequest.Invalid("hours", error!);
            return await trails.TrailAsync(id, window, ct) is { } trail
                ? Results.Text(JsonSerializer.Serialize(trail.ToFeature(), GeoJson), "application/geo+json")
                : Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "Unknown unit", detail: $"There is no patrol unit {id}.");
        }).WithTags("Patrols").RequireAuthorization(Access.Policies.ReadPositions);

        app.MapGet("/api/patrol/replay", async (string? from, string? to, PatrolTrails trails, TimeProvider clock, CancellationToken ct) =>
        {
            if (HistoryWindow.Replay(from, to, clock.GetUtcNow(), out var error) is not { } window) return JsonRequest.Invalid(error!.Value.Field, error.Value.Message);
            return Results.Ok(await trails.ReplayAsync(window, ct));
        }).WithTags("Patrols").RequireAuthorization(Access.Policies.ReadPositions);
        return app;
    }
}
