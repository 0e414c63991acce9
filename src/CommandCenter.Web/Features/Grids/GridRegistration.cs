using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.HttpResults;

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
        api.MapGet("/{code}", GetAsync);
        api.MapGet("/at", AtAsync);
        return app;
    }

    public static async Task<Results<Ok<GridDetail>, NotFound>> GetAsync(
        string code, GridQueries grids, HttpContext http, IAuthorizationService auth, CancellationToken ct) =>
        await grids.GetDetailAsync(code, ct) is { } detail ? TypedResults.Ok(await ForCallerAsync(detail, http, auth)) : TypedResults.NotFound();

    public static async Task<Results<Ok<GridDetail>, NotFound>> AtAsync(
        double lat, double lon, GridQueries grids, HttpContext http, IAuthorizationService auth, CancellationToken ct) =>
        await grids.GetDetailAtAsync(lat, lon, ct) is { } detail ? TypedResults.Ok(await ForCallerAsync(detail, http, auth)) : TypedResults.NotFound();

    private static async Task<GridDetail> ForCallerAsync(GridDetail detail, HttpContext http, IAuthorizationService auth) =>
        (await auth.AuthorizeAsync(http.User, Access.Policies.ContactStaff)).Succeeded ? detail : detail.WithoutPhones();
}
