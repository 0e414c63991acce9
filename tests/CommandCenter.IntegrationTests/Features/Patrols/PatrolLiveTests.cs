using System.Net.Http.Json;
using System.Threading.Channels;
using CommandCenter.Web.Features.Patrols;
using CommandCenter.Web.Live;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Npgsql;
using static CommandCenter.IntegrationTests.Features.Patrols.PatrolTestData;

namespace CommandCenter.IntegrationTests.Features.Patrols;

public class PatrolLiveTests(AppFixture fixture) : IClassFixture<AppFixture>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(15);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<(HubConnection Hub, Channel<PatrolUpdate> Updates, PatrolUpdate Snapshot)> JoinAsync(AppFactory app)
    {
        var hub = await app.ConnectHubAsync();
        var updates = Channel.CreateUnbounded<PatrolUpdate>();
        hub.On<PatrolUpdate>(LiveHubContract.PositionsMethod, u => updates.Writer.TryWrite(u));
        var snapshot = await hub.InvokeAsync<PatrolUpdate>(LiveHubContract.JoinPositions);
        return (hub, updates, snapshot);
    }

    private static async Task<UnitMarkerView> NextForAsync(Channel<PatrolUpdate> updates, long unitId, Func<UnitMarkerView, bool>? match = null)
    {
        using var timeout = new CancellationTokenSource(Patience);
        while (true)
        {
            var update = await updates.Reader.ReadAsync(timeout.Token);
            if (update.Units.FirstOrDefault(u => u.Id == unitId && (match?.Invoke(u) ?? true)) is { } unit) return unit;
        }
    }

    private static async Task PostFixAsync(HttpClient http, string deviceId, DateTimeOffset at, double lat = Lat, double lon = Lon) =>
        (await http.GetAsync(OsmAndUrl(deviceId, $"timestamp={at.ToUnixTimeMilliseconds()}&lat={Num(lat)}&lon={Num(lon)}&bearing=90"))).EnsureSuccessStatusCode();

    [Fact]
    public async Task A_map_client_gets_a_snapshot_then_only_the_units_that_moved()
    {
        var http = fixture.App.CreateApiClient();
        var (unitId, deviceId) = await RegisterAsync(http);
        var (hub, updates, snapshot) = await JoinAsync(fixture.App);
        await using var _ = hub;

        await PostFixAsync(http, deviceId, DateTimeOffset.UtcNow.AddSeconds(-1));
        var unit = await NextForAsync(updates, unitId);

        Assert.True(snapshot.Snapshot);
        Assert.Equal(("available", Lat, 90.0), (unit.Status, unit.Lat, unit.Heading!.Value));
        await PostFixAsync(http, deviceId, DateTimeOffset.UtcNow, lat: Lat + 0.001);
        Assert.Equal(Lat + 0.001, (await NextForAsync(updates, unitId)).Lat, 6);
    }

    [Fact]
    public async Task A_duty_change_reaches_the_map_without_a_new_fix()
    {
        var http = fixture.App.CreateApiClient();
        var (unitId, deviceId) = await RegisterAsync(http);
        var (hub, updates, _) = await JoinAsync(fixture.App);
        await using var _h = hub;
        await PostFixAsync(http, deviceId, DateTimeOffset.UtcNow);
        await NextForAsync(updates, unitId);

        (await http.PutAsJsonAsync($"/api/admin/patrol/units/{unitId}/duty", new { duty = "en_route" }, Ct)).EnsureSuccessStatusCode();

        Assert.Equal("en_route", (await NextForAsync(updates, unitId)).Status);
    }

    [Fact]
    public async Task The_unit_list_gets_the_moved_unit_with_the_subdistrict_it_is_in()
    {
        // The interior point of a real seeded grid and that grid's subdistrict, from PostGIS itself.
        var row = await fixture.Database.ScalarAsync<string>("""
            SELECT c.subdistrict_code || ',' || ST_Y(p) || ',' || ST_X(p)
            FROM grids g JOIN communities c ON c.code = g.community_code, LATERAL (SELECT ST_PointOnSurface(g.boundary) AS p) x
            ORDER BY g.code DESC LIMIT 1
            """);
        var parts = row.Split(',');
        var (subdistrict, lat, lon) = (parts[0], double.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture), double.Parse(parts[2], System.Globalization.CultureInfo.InvariantCulture));
        var source = fixture.App.Services.GetRequiredService<IPatrolUnitSource>();
        var changed = Channel.CreateUnbounded<CommandCenter.Domain.Patrols.UnitMarker>();
        using var subscription = source.OnUnitsChanged(units => { foreach (var u in units) changed.Writer.TryWrite(u); });
        var http = fixture.App.CreateApiClient();
        var (unitId, deviceId) = await RegisterAsync(http);

        await PostFixAsync(http, deviceId, DateTimeOffset.UtcNow.AddSeconds(-1), lat, lon);
        using var timeout = new CancellationTokenSource(Patience);
        var inside = await ReadUntilAsync(changed, u => u.Id == unitId, timeout.Token);
        Assert.Equal(subdistrict, inside.SubdistrictCode);

        await PostFixAsync(http, deviceId, DateTimeOffset.UtcNow, lat: 0.5, lon: 0.5);
        var outside = await ReadUntilAsync(changed, u => u.Id == unitId && u.Latitude < 1, timeout.Token);
        Assert.Null(outside.SubdistrictCode);
        Assert.Null(source.Units().Single(u => u.Id == unitId).SubdistrictCode);
    }

    private static async Task<T> ReadUntilAsync<T>(Channel<T> channel, Func<T, bool> match, CancellationToken ct)
    {
        while (true)
        {
            var item = await channel.Reader.ReadAsync(ct);
            if (match(item)) return item;
        }
    }

    // ADR 5: a transaction that commits after later ones is read on the next round, never skipped,
    // although the map feed leaves out the rows it already applied.
    [Fact]
    public async Task A_fix_committed_after_later_ones_still_moves_its_unit_on_the_map()
    {
        var http = fixture.App.CreateApiClient();
        var (slowUnit, slowDevice) = await RegisterAsync(http);
        var (quickUnit, quickDevice) = await RegisterAsync(http);
        var (hub, updates, _) = await JoinAsync(fixture.App);
        await using var _h = hub;
        await PostFixAsync(http, slowDevice, DateTimeOffset.UtcNow.AddSeconds(-5));
        await NextForAsync(updates, slowUnit);

        await using var conn = new NpgsqlConnection(fixture.Database.ConnectionString);
        await conn.OpenAsync(Ct);
        await using var tx = await conn.BeginTransactionAsync(Ct);
        await using (var move = new NpgsqlCommand(
            "UPDATE unit_positions SET location = ST_SetSRID(ST_MakePoint(@lon, @lat), 4326), fix_time = now(), tx = txid_current() WHERE unit_id = @unit", conn, tx))
        {
            move.Parameters.AddWithValue("lon", Lon);
            move.Parameters.AddWithValue("lat", Lat + 0.01);
            move.Parameters.AddWithValue("unit", slowUnit);
            Assert.Equal(1, await move.ExecuteNonQueryAsync(Ct));
        }
        // Later fixes commit and reach the map while that one is still open.
        for (var i = 1; i <= 3; i++)
        {
            var lat = Lat + i * 0.001;
            await PostFixAsync(http, quickDevice, DateTimeOffset.UtcNow, lat: lat);
            await NextForAsync(updates, quickUnit, u => Math.Abs(u.Lat - lat) < 1e-7);
        }
        await tx.CommitAsync(Ct);

        Assert.Equal(Lat + 0.01, (await NextForAsync(updates, slowUnit)).Lat, 6);
    }

    [Fact]
    public async Task A_fix_taken_by_one_instance_reaches_the_map_clients_of_another()
    {
        await using var second = new AppFactory(fixture.Database.ConnectionString);
        await second.StartedAsync();
        var (hub, updates, _) = await JoinAsync(second);
        await using var _h = hub;
        var http = fixture.App.CreateApiClient();
        var (unitId, deviceId) = await RegisterAsync(http);

        await PostFixAsync(http, deviceId, DateTimeOffset.UtcNow);

        Assert.Equal(Lat, (await NextForAsync(updates, unitId)).Lat, 6);
    }

    [Fact]
    public async Task A_unit_without_fixes_for_the_stale_time_turns_silent_by_the_clock_and_back_with_its_next_fix()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var app = new AppFactory(fixture.Database.ConnectionString, b =>
        {
            b.UseSetting("Patrol:StaleAfter", "00:00:30");
            b.ConfigureServices(s => s.AddSingleton<TimeProvider>(clock));
        });
        await app.StartedAsync();
        var http = app.CreateApiClient();
        var (unitId, deviceId) = await RegisterAsync(http);
        // A second unit whose fix, sent after the clock moves, proves a sweep ran at the new time.
        var (witnessId, witnessDevice) = await RegisterAsync(http);
        var (hub, updates, _) = await JoinAsync(app);
        await using var _h = hub;
        var notices = new List<UnitMarkerView>();
        using var _n = app.Services.GetRequiredService<PatrolLiveFeed>().OnUnitSilent(u => { lock (notices) notices.Add(u); });
        var witnessMoves = 0;
        async Task SweptAtAsync(DateTimeOffset now)
        {
            // Each time somewhere new: a fix that only refreshes the time is not sent to the map.
            await PostFixAsync(http, witnessDevice, now, lat: Lat + ++witnessMoves * 0.001);
            await NextForAsync(updates, witnessId, u => u.Status == "available" && u.FixAt.ToUnixTimeMilliseconds() == now.ToUnixTimeMilliseconds());
        }

        await PostFixAsync(http, deviceId, clock.GetUtcNow());
        Assert.Equal("available", (await NextForAsync(updates, unitId)).Status);
        clock.Advance(TimeSpan.FromSeconds(29));
        await SweptAtAsync(clock.GetUtcNow());
        Assert.Equal("available", app.Services.GetRequiredService<PatrolLiveFeed>().Snapshot().Units.Single(u => u.Id == unitId).Status);

        clock.Advance(TimeSpan.FromSeconds(2));
        var silent = await NextForAsync(updates, unitId);
        Assert.Equal("silent", silent.Status);
        clock.Advance(TimeSpan.FromSeconds(30));
        await SweptAtAsync(clock.GetUtcNow()); // a sweep 30 s later: still one notice for the duty officer
        lock (notices) Assert.Single(notices, n => n.Id == unitId);

        await PostFixAsync(http, deviceId, clock.GetUtcNow());
        Assert.Equal("available", (await NextForAsync(updates, unitId)).Status);
    }
}
