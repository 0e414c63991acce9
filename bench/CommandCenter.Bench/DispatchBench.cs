using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Npgsql;

namespace CommandCenter.Bench;

// Recommendation latency (issue 14): GET /api/incidents/{id}/recommendations?take=10 as a signed-in
// dispatcher against the recommender's own KNN statement run straight through Npgsql, same
// concurrency, same incidents, in the same run; then the report path (POST /api/incidents, which
// stamps the grid) against the grid lookup alone. The territory is synthetic: small squares in a
// district-sized rectangle, inserted by SQL, so the app's GridSeeder is switched off.
//   CommandCenter.Bench --dispatch [--units 10000] [--grids 50000] [--requests 2000] [--clients 4]
//     [--incidents 200] [--reports 1000] [--gist]
//   --gist measures again after adding a GiST index on unit_positions.location, and what the index
//   costs a position update.
internal static partial class DispatchBench
{
    public const string Argument = "--dispatch";

    // The synthetic territory: 250 columns of 0.001° squares (about 96 × 111 m) from this corner;
    // 50,000 grids make 200 rows, about 24 × 22 km. Communities are blocks of 10 × 10 grids.
    private const double West = 120.05, South = 30.15, Step = 0.001;
    private const int Columns = 250, Block = 10, CommunitiesPerSubdistrict = 50;
    private const string District = "990001";

    // A unit whose id ends in 7 has a fix older than Patrol:StaleAfter (2 min): a tenth are stale.
    private const string Fresh = "unit_id % 10 <> 7";

    private sealed record Settings(int Units, int Grids, int Requests, int Clients, int Incidents, int Reports, bool Gist);

    private sealed record Run(double P50, double P99, double Max, double PerSecond);

    public static async Task RunAsync(string[] args, string server)
    {
        int Get(string name, int fallback) => Array.IndexOf(args, $"--{name}") is var i && i >= 0 && i + 1 < args.Length
            ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
        var s = new Settings(Get("units", 10_000), Get("grids", 50_000), Get("requests", 2_000), Get("clients", 4),
            Get("incidents", 200), Get("reports", 1_000), args.Contains("--gist"));
        var knn = RecommenderSql();
        Console.WriteLine($"Dispatch bench: {s.Units} units, {s.Grids} grids, {s.Incidents} incidents; {s.Requests} requests a run from " +
            $"{s.Clients} concurrent clients; {s.Reports} reports; {Environment.ProcessorCount} cores");

        await using var app = await AppProcess.StartAsync(server, new Dictionary<string, string> { ["Grid__SeedOnStart"] = "false" });
        await using var db = NpgsqlDataSource.Create(app.ConnectionString);
        var seeding = Stopwatch.StartNew();
        await SeedTerritoryAsync(db, s.Grids);
        await SeedUnitsAsync(db, s.Units, s.Grids);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Seeded {s.Grids} grids and {s.Units} units by SQL in {seeding.Elapsed.TotalSeconds:0.0} s."));

        using var reporter = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = s.Clients * 2 }) { BaseAddress = app.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        reporter.DefaultRequestHeaders.Add("X-Api-Key", AppProcess.ApiKey);
        using var dispatcher = await SignInAsync(app.BaseAddress, "dispatcher", s.Clients);

        // The incidents to recommend for: reported through the API like any other (and the report
        // path's warm-up).
        var random = new Random(14);
        var rows = (s.Grids + Columns - 1) / Columns;
        var reportPoints = Enumerable.Range(0, s.Incidents + 2 * s.Reports)
            .Select(_ => (Lat: South + random.NextDouble() * rows * Step, Lon: West + random.NextDouble() * Columns * Step)).ToList();
        var incidentIds = new List<long>();
        await MeasureAsync(s.Clients, reportPoints.Take(s.Incidents).ToList(), async p =>
        {
            var id = await ReportAsync(reporter, p);
            lock (incidentIds) incidentIds.Add(id);
        });
        var stamped = (long)(await db.CreateCommand("SELECT count(*) FROM incidents WHERE grid_code IS NOT NULL").ExecuteScalarAsync())!;
        Console.WriteLine($"Reported {incidentIds.Count} incidents through POST /api/incidents; {stamped} stamped with a grid.");

        var sample = await dispatcher.GetFromJsonAsync<JsonElement>($"api/incidents/{incidentIds[0]}/recommendations?take=10");
        Console.WriteLine($"A recommendation holds {sample.GetProperty("units").GetArrayLength()} units (take=10).");
        await ExplainAsync(db, knn, incidentIds[0]);

        var table = new List<string>();
        await CompareAsync(db, dispatcher, knn, incidentIds, s, random, "", table);
        if (s.Gist)
        {
            var without = await PositionUpdateAsync(db);
            await using (var index = db.CreateCommand("CREATE INDEX bench_unit_positions_location ON unit_positions USING gist (location); ANALYZE unit_positions"))
                await index.ExecuteNonQueryAsync();
            await ExplainAsync(db, knn, incidentIds[0]);
            await CompareAsync(db, dispatcher, knn, incidentIds, s, random, ", GiST index on unit_positions.location", table);
            var with = await PositionUpdateAsync(db);
            table.Add(string.Create(CultureInfo.InvariantCulture,
                $"| UPDATE of every unit's position ({s.Units} rows, one statement; median of 3): no index / GiST | ms | {without.Ms:0} / {with.Ms:0} | HOT updates {without.Hot:0%} / {with.Hot:0%} | | | |"));
        }

        // The report path: POST /api/incidents, whose grid comes from ST_Covers over the grids
        // (ix_grids_boundary), against that lookup alone, same clients and points.
        var reports = reportPoints.Skip(s.Incidents).Take(s.Reports).ToList();
        var scansBefore = await GridIndexScansAsync(db);
        var reportRun = await MeasureAsync(s.Clients, reports, async p => await ReportAsync(reporter, p));
        var scansPerReport = (await GridIndexScansAsync(db) - scansBefore) / (double)s.Reports;
        var lookupRun = await MeasureAsync(s.Clients, reportPoints.Skip(s.Incidents + s.Reports).Take(s.Reports).ToList(), p => GridLookupAsync(db, p));
        table.Add(Row($"POST /api/incidents (API key), {s.Grids} grids", [reportRun]));
        table.Add(Row("  the grid lookup alone (ST_Covers, Npgsql)", [lookupRun]));
        table.Add(string.Create(CultureInfo.InvariantCulture,
            $"|   ix_grids_boundary scans per report | scans | {scansPerReport:0.00} | | | | grid stamped by a SELECT of its own before the INSERT |"));

        Console.WriteLine();
        Console.WriteLine($"| measurement ({s.Clients} concurrent clients) | unit | p50 | p99 | max | req/s | runs p50/p99 · check |");
        Console.WriteLine("|---|---|---:|---:|---:|---:|---|");
        foreach (var line in table) Console.WriteLine(line);
        Console.WriteLine("p50/p99/req/s: medians of 3 runs (the endpoint and the raw SQL take turns going first); max: over all runs.");
        Console.WriteLine("Raw KNN: UnitRecommender's statement, read from its source, with the same parameters (50 candidates).");
    }

    // Three runs each, after a warm-up pass of each; fix times are made fresh again before each run
    // so that a long run never turns the fleet stale.
    private static async Task CompareAsync(NpgsqlDataSource db, HttpClient dispatcher, string knn, List<long> incidentIds, Settings s,
        Random random, string label, List<string> table)
    {
        var endpoint = new List<Run>();
        var raw = new List<Run>();
        Task<Run> Endpoint(List<long> ids) => MeasureAsync(s.Clients, ids, async id =>
        {
            using var response = await dispatcher.GetAsync($"api/incidents/{id}/recommendations?take=10");
            response.EnsureSuccessStatusCode();
            await response.Content.ReadAsByteArrayAsync();
        });
        Task<Run> Raw(List<long> ids) => MeasureAsync(s.Clients, ids, id => RawKnnAsync(db, knn, id));
        List<long> Pick() => [.. Enumerable.Range(0, s.Requests).Select(_ => incidentIds[random.Next(incidentIds.Count)])];

        Console.WriteLine($"Warming up{label}…");
        await RefreshAsync(db);
        await Endpoint(Pick());
        await Raw(Pick());
        for (var run = 1; run <= 3; run++)
        {
            Console.WriteLine($"Run {run}{label}… (load {File.ReadAllText("/proc/loadavg").Split(' ')[0]})");
            await RefreshAsync(db);
            var ids = Pick();
            if (run % 2 == 1)
            {
                endpoint.Add(await Endpoint(ids));
                raw.Add(await Raw(ids));
            }
            else
            {
                raw.Add(await Raw(ids));
                endpoint.Add(await Endpoint(ids));
            }
        }
        static double Mid(IEnumerable<double> v) => v.Order().ElementAt(1);
        var ratio = Mid(endpoint.Select(r => r.P99)) / Mid(raw.Select(r => r.P99));
        var within = string.Join(" · ", endpoint.Zip(raw, (e, r) => (e.P99 / r.P99).ToString("0.0", CultureInfo.InvariantCulture)));
        table.Add(Row($"GET /api/incidents/{{id}}/recommendations?take=10{label}", endpoint));
        table.Add(Row($"  raw KNN SQL{label}", raw));
        table.Add(string.Create(CultureInfo.InvariantCulture, $"|   endpoint p99 ÷ raw p99 | ratio | | {ratio:0.0}× | | | within runs {within} |"));
        var p99 = Mid(endpoint.Select(r => r.P99));
        table.Add(string.Create(CultureInfo.InvariantCulture, $"|   target p99 ≤ 20 ms | | | {p99:0.0} | | | {(p99 <= 20 ? "PASS" : "FAIL")} |"));
        table.Add(string.Create(CultureInfo.InvariantCulture, $"|   target ≤ 3× raw | | | {ratio:0.0}× | | | {(ratio <= 3 ? "PASS" : "FAIL")} |"));
    }

    private static string Row(string name, List<Run> runs)
    {
        static double Mid(IEnumerable<double> v) => v.Order().ElementAt(v.Count() / 2);
        return string.Create(CultureInfo.InvariantCulture,
            $"| {name} | ms | {Mid(runs.Select(r => r.P50)):0.0} | {Mid(runs.Select(r => r.P99)):0.0} | {runs.Max(r => r.Max):0.0} | {Mid(runs.Select(r => r.PerSecond)):0} | {string.Join(" · ", runs.Select(r => $"{r.P50:0.0}/{r.P99:0.0}"))} |");
    }

    // `clients` workers take the items in turn; each item's latency, and items/s over the whole.
    private static async Task<Run> MeasureAsync<T>(int clients, List<T> items, Func<T, Task> send)
    {
        var latencies = new List<double>(items.Count);
        var next = -1;
        var timer = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, clients).Select(async _ =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < items.Count)
            {
                var started = Stopwatch.GetTimestamp();
                await send(items[i]);
                var ms = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                lock (latencies) latencies.Add(ms);
            }
        }));
        var seconds = timer.Elapsed.TotalSeconds;
        return new Run(Measure.Percentile(latencies, 0.50), Measure.Percentile(latencies, 0.99), latencies.Count == 0 ? 0 : latencies.Max(), items.Count / seconds);
    }

    // The recommender's statement as the app sends it: the bench reads it from UnitRecommender.cs,
    // so that the raw figure is always of the statement the endpoint runs.
    private static string RecommenderSql()
    {
        var path = Path.Combine(AppProcess.RepoRoot(), "src", "CommandCenter.Web", "Features", "Dispatch", "UnitRecommender.cs");
        var match = RecommenderCommand().Match(File.ReadAllText(path));
        if (!match.Success) throw new InvalidOperationException($"No CreateCommand(\"\"\"…\"\"\") in {path}: the bench cannot find the recommender's SQL.");
        return match.Groups[1].Value.Trim();
    }

    [GeneratedRegex("dataSource\\.CreateCommand\\(\"\"\"(.*?)\"\"\"\\)", RegexOptions.Singleline)]
    private static partial Regex RecommenderCommand();

    // Its parameters as UnitRecommender binds them for take=10 and no kind: the incident, the
    // stale cutoff (Patrol:StaleAfter, 2 min), no kind, 10 × 5 candidates. Every row is read.
    private static async Task RawKnnAsync(NpgsqlDataSource db, string knn, long incidentId)
    {
        await using var cmd = db.CreateCommand(knn);
        cmd.Parameters.Add(new NpgsqlParameter<long> { TypedValue = incidentId });
        cmd.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = DateTimeOffset.UtcNow - TimeSpan.FromMinutes(2) });
        cmd.Parameters.Add(new NpgsqlParameter { Value = DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        cmd.Parameters.Add(new NpgsqlParameter<int> { TypedValue = 50 });
        await using var reader = await cmd.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            if (reader.IsDBNull(2)) continue;
            _ = (reader.GetDouble(0), reader.GetDouble(1), reader.GetInt64(2), reader.GetString(3), reader.GetString(4),
                reader.GetDouble(6), reader.GetDouble(7), reader.GetFieldValue<DateTimeOffset>(8));
        }
    }

    private static async Task ExplainAsync(NpgsqlDataSource db, string knn, long incidentId)
    {
        await using var cmd = db.CreateCommand("EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) " + knn.Replace("$3::text IS NULL", "NULL::text IS NULL", StringComparison.Ordinal)
            .Replace("$1", incidentId.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("$2", "now() - interval '2 minutes'", StringComparison.Ordinal)
            .Replace("$3", "NULL::text", StringComparison.Ordinal)
            .Replace("$4", "50", StringComparison.Ordinal));
        await using var reader = await cmd.ExecuteReaderAsync();
        Console.WriteLine("EXPLAIN ANALYZE of the KNN for one incident:");
        while (await reader.ReadAsync()) Console.WriteLine($"  {reader.GetString(0)}");
    }

    private static async Task<long> ReportAsync(HttpClient reporter, (double Lat, double Lon) p)
    {
        using var response = await reporter.PostAsJsonAsync("api/incidents", new { type = "fire", latitude = p.Lat, longitude = p.Lon, title = "Bench" });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();
    }

    // The same question CreateAsync asks: the covering grid with the lowest code.
    private static async Task GridLookupAsync(NpgsqlDataSource db, (double Lat, double Lon) p)
    {
        await using var cmd = db.CreateCommand("SELECT code FROM grids WHERE ST_Covers(boundary, ST_SetSRID(ST_MakePoint($1, $2), 4326)) ORDER BY code LIMIT 1");
        cmd.Parameters.Add(new NpgsqlParameter<double> { TypedValue = p.Lon });
        cmd.Parameters.Add(new NpgsqlParameter<double> { TypedValue = p.Lat });
        await cmd.ExecuteScalarAsync();
    }

    private static async Task<long> GridIndexScansAsync(NpgsqlDataSource db)
    {
        // A busy backend sends its counts at most once a second, an idle one within 10 s.
        await Task.Delay(TimeSpan.FromSeconds(11));
        await using var cmd = db.CreateCommand("SELECT pg_stat_clear_snapshot(); SELECT idx_scan FROM pg_stat_user_indexes WHERE indexrelname = 'ix_grids_boundary'");
        await using var reader = await cmd.ExecuteReaderAsync();
        await reader.NextResultAsync();
        await reader.ReadAsync();
        return reader.GetInt64(0);
    }

    // Every fresh unit's position moved about 10 m, as ingest would, in one statement: how long it
    // takes and the share of HOT updates (which an index on location rules out), median of 3.
    private static async Task<(double Ms, double Hot)> PositionUpdateAsync(NpgsqlDataSource db)
    {
        var runs = new List<(double Ms, double Hot)>();
        for (var i = 0; i < 3; i++)
        {
            await using (var vacuum = db.CreateCommand("VACUUM unit_positions")) await vacuum.ExecuteNonQueryAsync();
            await using var conn = await db.OpenConnectionAsync();
            await using var tx = await conn.BeginTransactionAsync();
            var started = Stopwatch.GetTimestamp();
            await using (var move = new NpgsqlCommand($"UPDATE unit_positions SET location = ST_Translate(location, 0.0001, 0), fix_time = now(), tx = txid_current() WHERE {Fresh}", conn, tx))
                await move.ExecuteNonQueryAsync();
            var ms = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            // This transaction's own counts, exact without waiting for the statistics.
            await using var counts = new NpgsqlCommand("SELECT pg_stat_get_xact_tuples_updated('unit_positions'::regclass), pg_stat_get_xact_tuples_hot_updated('unit_positions'::regclass)", conn, tx);
            await using (var reader = await counts.ExecuteReaderAsync())
            {
                await reader.ReadAsync();
                runs.Add((ms, reader.GetInt64(1) / (double)Math.Max(1, reader.GetInt64(0))));
            }
            await tx.CommitAsync();
        }
        return runs.OrderBy(r => r.Ms).ElementAt(1);
    }

    // Fresh units report again: fix times within the last 30 s (a run lasts well under 90 s).
    private static async Task RefreshAsync(NpgsqlDataSource db)
    {
        await using (var refresh = db.CreateCommand($"UPDATE unit_positions SET fix_time = now() - random() * interval '30 seconds' WHERE {Fresh}"))
            await refresh.ExecuteNonQueryAsync();
        await using var vacuum = db.CreateCommand("VACUUM ANALYZE unit_positions");
        await vacuum.ExecuteNonQueryAsync();
    }

    // A district, its subdistricts of 50 communities, communities of 10 × 10 grids; codes nest as
    // the real ones do (6, 9, 12 and 14 characters).
    private static async Task SeedTerritoryAsync(NpgsqlDataSource db, int grids)
    {
        var rows = (grids + Columns - 1) / Columns;
        var blockColumns = Columns / Block;
        var communities = (rows + Block - 1) / Block * blockColumns;
        var subdistricts = (communities + CommunitiesPerSubdistrict - 1) / CommunitiesPerSubdistrict;
        await using var cmd = db.CreateCommand(string.Create(CultureInfo.InvariantCulture, $"""
            SELECT setseed(0.14);
            INSERT INTO districts (code, name, boundary)
            VALUES ('{District}', 'Bench district', ST_Multi(ST_MakeEnvelope({West}, {South}, {West + Columns * Step}, {South + rows * Step}, 4326)));
            INSERT INTO subdistricts (code, name, district_code)
            SELECT '{District}' || lpad(s::text, 3, '0'), 'Bench subdistrict ' || s, '{District}' FROM generate_series(0, {subdistricts - 1}) s;
            INSERT INTO communities (code, name, subdistrict_code)
            SELECT '{District}' || lpad((k / {CommunitiesPerSubdistrict})::text, 3, '0') || lpad((k % {CommunitiesPerSubdistrict})::text, 3, '0'),
                   'Bench community ' || k, '{District}' || lpad((k / {CommunitiesPerSubdistrict})::text, 3, '0')
            FROM generate_series(0, {communities - 1}) k;
            INSERT INTO grids (code, name, community_code, boundary)
            SELECT community || lpad(((r % {Block}) * {Block} + c % {Block})::text, 2, '0'), 'Bench grid ' || n, community,
                   ST_Multi(ST_MakeEnvelope({West} + c * {Step}, {South} + r * {Step}, {West} + (c + 1) * {Step}, {South} + (r + 1) * {Step}, 4326))
            FROM (SELECT n, n / {Columns} AS r, n % {Columns} AS c FROM generate_series(0, {grids - 1}) n) cell,
            LATERAL (SELECT (r / {Block}) * {blockColumns} + c / {Block} AS k) block,
            LATERAL (SELECT '{District}' || lpad((k / {CommunitiesPerSubdistrict})::text, 3, '0') || lpad((k % {CommunitiesPerSubdistrict})::text, 3, '0') AS community) named;
            ANALYZE districts; ANALYZE subdistricts; ANALYZE communities; ANALYZE grids;
            """));
        cmd.CommandTimeout = 300;
        await cmd.ExecuteNonQueryAsync();
    }

    // Four kinds in turn; duties 60 % available, 15 % assigned, 15 % en route, 10 % on scene; each
    // at a random point of the territory.
    private static async Task SeedUnitsAsync(NpgsqlDataSource db, int units, int grids)
    {
        var rows = (grids + Columns - 1) / Columns;
        await using var cmd = db.CreateCommand(string.Create(CultureInfo.InvariantCulture, $"""
            SELECT setseed(0.41);
            INSERT INTO patrol_units (callsign, kind, duty, created_at, source)
            SELECT 'D' || lpad(n::text, 5, '0'),
                   (ARRAY['street_patrol', 'community_patrol', 'checkpoint', 'vehicle'])[1 + n % 4],
                   CASE WHEN n % 20 < 12 THEN 'available' WHEN n % 20 < 15 THEN 'assigned' WHEN n % 20 < 18 THEN 'en_route' ELSE 'on_scene' END,
                   now(), 'bench'
            FROM generate_series(1, {units}) n;
            INSERT INTO unit_positions (unit_id, fix_time, location, speed, heading, accuracy, received_at, tx)
            SELECT id, now(), ST_SetSRID(ST_MakePoint({West} + random() * {Columns * Step}, {South} + random() * {rows * Step}), 4326),
                   5, 90, 5, now(), txid_current()
            FROM patrol_units WHERE source = 'bench';
            UPDATE unit_positions SET fix_time = now() - interval '10 minutes' WHERE NOT ({Fresh});
            ANALYZE patrol_units;
            """));
        cmd.CommandTimeout = 300;
        await cmd.ExecuteNonQueryAsync();
        await RefreshAsync(db);
    }

    // A client carrying the cookie of a sign-in through the form (BlazorCircuitClient.SignInAsync).
    internal static async Task<HttpClient> SignInAsync(Uri baseAddress, string userName, int clients) =>
        new(new SocketsHttpHandler { MaxConnectionsPerServer = clients * 2, AllowAutoRedirect = false, CookieContainer = await BlazorCircuitClient.SignInAsync(baseAddress, userName) })
        {
            BaseAddress = baseAddress,
            Timeout = TimeSpan.FromSeconds(60),
        };
}
