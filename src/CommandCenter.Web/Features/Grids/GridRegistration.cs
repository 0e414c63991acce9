using Microsoft.AspNetCore.Authorization;

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
        api.MapGet("/{code}", async (string code, GridQueries grids, HttpContext http, IAuthorizationService auth, CancellationToken ct) =>
            await grids.GetDetailAsync(code, ct) is { } detail ? Results.Ok(await ForCallerAsync(detail, http, auth)) : Results.NotFound());
        api.MapGet("/at", async (double lat, double lon, GridQueries grids, HttpContext http, IAuthorizationService auth, CancellationToken ct) =>
            await grids.GetDetailAtAsync(lat, lon, ct) is { } detail ? Results.Ok(await ForCallerAsync(detail, http, auth)) : Results.NotFound());
        return app;
    }

    private static async Task<GridDetail> ForCallerAsync(GridDetail detail, HttpContext http, IAuthorizationService auth) =>
        (await auth.AuthorizeAsync(http.User, Access.Policies.ContactStaff)).Succeeded ? detail : detail.WithoutPhones();
}
