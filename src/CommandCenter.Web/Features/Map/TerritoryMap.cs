using System.ComponentModel.DataAnnotations;
using System.Text.Json;
using CommandCenter.Domain.Incidents;
using CommandCenter.Web.Data;
using CommandCenter.Web.Features.Grids;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using NetTopologySuite.Features;
using NetTopologySuite.Geometries;

namespace CommandCenter.Web.Features.Map;

public sealed record MapOptions
{
    public const string Section = "Map";

    // An online base layer (XYZ template). Empty: the map shows only the district's own vectors,
    // which is how it must work with no internet. Note the datum caveat in gis-data/README.md.
    public string? OnlineTileUrl { get; init; }

    public string? OnlineTileAttribution { get; init; }

    // The datum the tiles are drawn in: "wgs84" (OpenStreetMap, Tianditu) or "gcj02" (AMap,
    // Tencent). With gcj02 the map shifts what it draws onto the tiles; stored and served
    // coordinates stay WGS84 either way (Domain/Grids/ChinaDatum.cs, wwwroot/map/datum.js).
    [RegularExpression("^(wgs84|gcj02)$", ErrorMessage = "Map:TileDatum is wgs84 or gcj02.")]
    public string TileDatum { get; init; } = "wgs84";

    // Loads the map's test hooks (wwwroot/map/debug.js): on in Development and the end-to-end tests,
    // off in production, whose pages then carry no test code.
    public bool DebugHooks { get; init; }
}

// The territory as the map draws it: one request with every level, grids carrying their
// open-incident count for shading. Geometry is static between imports; counts then follow the stream.
public sealed class TerritoryMap(IDbContextFactory<CommandCenterDb> dbFactory)
{
    private static readonly JsonSerializerOptions GeoJson = GridFileReader.CreateOptions();

    public async Task<string> TerritoryJsonAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var district = await db.Districts.AsNoTracking().ToListAsync(ct);
        var subdistricts = await db.Subdistricts.AsNoTracking().OrderBy(s => s.Code).ToListAsync(ct);
        var communities = await db.Communities.AsNoTracking().OrderBy(c => c.Code).ToListAsync(ct);
        var grids = await (
            from g in db.Grids.AsNoTracking()
            join c in db.Communities on g.CommunityCode equals c.Code
            join s in db.Subdistricts on c.SubdistrictCode equals s.Code
            orderby g.Code
            select new
            {
                g.Code,
                g.Name,
                g.Boundary,
                Community = c.Name,
                Subdistrict = s.Name,
                Open = db.Incidents.Count(i => i.GridCode == g.Code && IncidentLifecycle.OpenStatuses.Contains(i.Status)),
            }).ToListAsync(ct);

        var territory = new Dictionary<string, FeatureCollection>
        {
            ["district"] = Collection(district.Select(d => Feature(d.Boundary, ("code", d.Code), ("name", d.Name)))),
            ["subdistricts"] = Collection(subdistricts.Where(s => s.Boundary is not null).Select(s => Feature(s.Boundary!, ("code", s.Code), ("name", s.Name)))),
            ["communities"] = Collection(communities.Where(c => c.Boundary is not null).Select(c => Feature(c.Boundary!, ("code", c.Code), ("name", c.Name)))),
            ["grids"] = Collection(grids.Select(g => Feature(g.Boundary,
                ("code", g.Code), ("name", g.Name), ("community", g.Community), ("subdistrict", g.Subdistrict), ("open", g.Open)))),
        };
        return JsonSerializer.Serialize(territory, GeoJson);
    }

    private static FeatureCollection Collection(IEnumerable<IFeature> features)
    {
        var collection = new FeatureCollection();
        foreach (var f in features) collection.Add(f);
        return collection;
    }

    private static Feature Feature(Geometry geometry, params (string Key, object Value)[] properties)
    {
        var attributes = new AttributesTable();
        foreach (var (key, value) in properties) attributes.Add(key, value);
        return new Feature(geometry, attributes);
    }
}

public static class MapRegistration
{
    public static IServiceCollection AddMap(this IServiceCollection services, IConfiguration config)
    {
        services.AddOptions<MapOptions>().Bind(config.GetSection(MapOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<TerritoryMap>();
        return services;
    }

    public static IEndpointRouteBuilder MapMapEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/map/territory", TerritoryAsync).WithTags("Map").RequireAuthorization(Access.Policies.ReadTerritory);
        return app;
    }

    public static async Task<ContentHttpResult> TerritoryAsync(TerritoryMap map, CancellationToken ct) =>
        TypedResults.Content(await map.TerritoryJsonAsync(ct), "application/geo+json");
}
