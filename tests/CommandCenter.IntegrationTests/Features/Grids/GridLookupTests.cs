using CommandCenter.Web.Features.Grids;
using Microsoft.Extensions.DependencyInjection;

namespace CommandCenter.IntegrationTests.Features.Grids;

public class GridLookupTests(AppFixture fixture) : IClassFixture<AppFixture>
{
    private GridQueries Grids => fixture.App.Services.GetRequiredService<GridQueries>();

    [Fact]
    public async Task A_point_inside_a_grid_resolves_to_that_grid()
    {
        // The interior point of a real seeded grid, computed by PostGIS itself.
        var code = await fixture.Database.ScalarAsync<string>("SELECT code FROM grids ORDER BY code OFFSET 17 LIMIT 1");
        var lon = await fixture.Database.ScalarAsync<double>($"SELECT ST_X(ST_PointOnSurface(boundary)) FROM grids WHERE code = '{code}'");
        var lat = await fixture.Database.ScalarAsync<double>($"SELECT ST_Y(ST_PointOnSurface(boundary)) FROM grids WHERE code = '{code}'");

        Assert.Equal(code, await Grids.ResolveAsync(lat, lon, TestContext.Current.CancellationToken));
    }

    [Theory]
    [InlineData(0, 0)]
    [InlineData(30.2480, 120.1420)] // West Lake, just west of the district
    public async Task A_point_outside_the_district_resolves_to_no_grid(double lat, double lon)
    {
        Assert.Null(await Grids.ResolveAsync(lat, lon, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task A_point_on_the_edge_between_two_grids_belongs_to_the_lower_code_every_time()
    {
        var pair = await fixture.Database.ScalarAsync<string>("""
            SELECT a.code || ',' || b.code || ',' || ST_X(p) || ',' || ST_Y(p)
            FROM grids a JOIN grids b ON a.code < b.code AND ST_Intersects(a.boundary, b.boundary),
                 LATERAL (SELECT ST_PointOnSurface(ST_Intersection(a.boundary, b.boundary)) AS p) x
            WHERE ST_Dimension(ST_Intersection(a.boundary, b.boundary)) = 1
            ORDER BY a.code, b.code LIMIT 1
            """);
        var parts = pair.Split(',');
        var (lower, lon, lat) = (parts[0], double.Parse(parts[2], System.Globalization.CultureInfo.InvariantCulture), double.Parse(parts[3], System.Globalization.CultureInfo.InvariantCulture));

        for (var i = 0; i < 3; i++)
            Assert.Equal(lower, await Grids.ResolveAsync(lat, lon, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task A_grid_detail_reads_the_whole_chain_and_its_worker()
    {
        var code = await fixture.Database.ScalarAsync<string>("SELECT code FROM grids ORDER BY code LIMIT 1");

        var detail = await Grids.GetDetailAsync(code, TestContext.Current.CancellationToken);

        Assert.NotNull(detail);
        Assert.Equal("上城区", detail.District.Name);
        Assert.Equal("330102", detail.District.Code);
        Assert.StartsWith(detail.Subdistrict.Code, detail.Community.Code);
        Assert.StartsWith(detail.Community.Code, detail.Grid.Code);
        Assert.NotEmpty(detail.Workers);
    }

    [Fact]
    public async Task Every_seeded_grid_belongs_to_a_community_and_the_grids_tile_the_district()
    {
        Assert.Equal(0L, await fixture.Database.ScalarAsync<long>("SELECT count(*) FROM grids WHERE community_code IS NULL"));
        // Uncovered part of the district, in m² (geography area): the grids leave no hole.
        var uncovered = await fixture.Database.ScalarAsync<double>("""
            SELECT coalesce(ST_Area(ST_Difference(d.boundary, (SELECT ST_Union(boundary) FROM grids))::geography), 0)
            FROM districts d
            """);
        Assert.True(uncovered < 1000, $"{uncovered} m² of the district is in no grid");
    }
}
