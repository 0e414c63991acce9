namespace CommandCenter.Web.Features.Grids;

public static class GridRegistration
{
    public static IServiceCollection AddGrids(this IServiceCollection services, IConfiguration config)
    {
        services.AddOptions<GridOptions>().Bind(config.GetSection(GridOptions.Section));
        services.AddSingleton<GridQueries>();
        services.AddSingleton<GridImporter>();
        services.AddHostedService<GridSeeder>();
        return services;
    }

    public static IEndpointRouteBuilder MapGridEndpoints(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/grids").WithTags("Grids").RequireAuthorization(Access.Policies.ReadIncidents);
        api.MapGet("/{code}", async (string code, GridQueries grids, CancellationToken ct) =>
            await grids.GetDetailAsync(code, ct) is { } detail ? Results.Ok(detail) : Results.NotFound());
        api.MapGet("/at", async (double lat, double lon, GridQueries grids, CancellationToken ct) =>
            await grids.GetDetailAtAsync(lat, lon, ct) is { } detail ? Results.Ok(detail) : Results.NotFound());
        return app;
    }
}
