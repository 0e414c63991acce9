using System.Buffers.Binary;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using CommandCenter.Bench;
using NetTopologySuite.Geometries;
using Npgsql;
using NpgsqlTypes;

// Patrol ingest benchmark: the HTTP batch endpoint and OsmAnd single fixes against their ceilings
// measured in the same run (raw binary COPY of the same batches; an empty endpoint on the same
// server). Warm up once, then three runs; the table shows each run and the median.
// Then the latency from an ingest response to map clients on the hub, at 1,000 fixes/s.
//   dotnet run -c Release --project bench/CommandCenter.Bench -- [--fixes 400000] [--batch 500] [--clients 4] [--units 1000]
//     [--osmand 4000] [--osmand-clients 4] [--warmup 3] [--latency-clients 100,1000] [--only batch,osmand] [--latency-only]
//     [--osmand-ack committed|queued] [--app-env NAME=VALUE]…
//   --latency-clients 0 skips the latency measurement; --only picks ingest measurements among
//   raw, sql, http (batch = raw and http; sql only when named) and osmand.
//   --dispatch [--units 10000] [--grids 50000] [--requests 2000] [--clients 4] [--gist]: recommendation
//   latency and the report path instead (DispatchBench.cs).
//   --linkage [--rate 20] [--seconds 30]: intake → routed → the operator's screen (LinkageBench.cs).
//   --soak [--minutes 30] [--dashboards 200] …: a night's load on two instances, with a restart (SoakBench.cs).
//   --crash [--rate 1000] [--runs 5]: fixes answered and then lost to a SIGKILL (CrashBench.cs).
//   --circuits [--page /,/wall] [--steps 100,250,500,1000] [--user duty]: memory per dashboard circuit (CircuitBench.cs).
//   --app DIR (any of them): run the app published in DIR (ReadyToRun, as the image) instead of the build.
if (args is [BareServer.Argument, var barePort, var bareUnits])
{
    await BareServer.RunAsync(int.Parse(barePort, CultureInfo.InvariantCulture), int.Parse(bareUnits, CultureInfo.InvariantCulture));
    return;
}
if (Array.IndexOf(args, "--app") is var appAt and >= 0 && appAt + 1 < args.Length) AppProcess.Published = Path.GetFullPath(args[appAt + 1]);
var server = Environment.GetEnvironmentVariable("CC_TEST_PG") ?? "Host=127.0.0.1;Port=55432;Username=commandcenter;Password=commandcenter";
// Intake → routed → the operator's screen at 20 alerts/s (issue 15): LinkageBench.cs.
if (args.Contains(LinkageBench.Argument))
{
    await LinkageBench.RunAsync(args, server);
    return;
}
// A night's load on two instances with dashboards, a restart and the memory figures (issue 17): SoakBench.cs.
if (args.Contains(SoakBench.Argument))
{
    await SoakBench.RunAsync(args, server);
    return;
}
// The fixes a crash loses (ADR 7): CrashBench.cs.
if (args.Contains(CrashBench.Argument))
{
    await CrashBench.RunAsync(args, server);
    return;
}
// Memory per connected dashboard, with real Blazor circuits: CircuitBench.cs.
if (args.Contains(CircuitBench.Argument))
{
    await CircuitBench.RunAsync(args, server);
    return;
}
// Recommendation latency and the report path (issue 14): DispatchBench.cs.

if (args.Contains(DispatchBench.Argument))
{
    await DispatchBench.RunAsync(args, server);
    return;
}
var settings = Settings.Parse(args);
Console.WriteLine($"Patrol ingest bench: {settings.Fixes} fixes in batches of {settings.Batch}, {settings.Clients} concurrent clients, " +
    $"{settings.Units} units, {settings.OsmAnd} OsmAnd requests from {settings.OsmAndClients} clients; {Environment.ProcessorCount} cores");

// --osmand-ack committed|queued: when an OsmAnd fix is answered (Patrol:OsmAndAck, ADR 0007).
// --app-env NAME=VALUE (repeatable): an environment variable for the app, to measure a setting.
var ackAt = Array.IndexOf(args, "--osmand-ack") is var a && a >= 0 && a + 1 < args.Length ? args[a + 1] : null;
var appEnv = args.Zip(args.Skip(1)).Where(p => p.First == "--app-env").Select(p => p.Second.Split('=', 2))
    .ToDictionary(kv => kv[0], kv => kv.Length > 1 ? kv[1] : "");
if (ackAt is not null) appEnv["Patrol__OsmAndAck"] = ackAt;
await using var app = await AppProcess.StartAsync(server, appEnv);
foreach (var (name, value) in appEnv) Console.WriteLine($"App environment: {name}={value}");
Console.WriteLine($"OsmAnd fixes answered when {ackAt ?? "queued (the default)"}.");
using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = settings.Clients * 2 }) { BaseAddress = app.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
http.DefaultRequestHeaders.Add("X-Api-Key", AppProcess.ApiKey); // a gateway's key: batches and unit registration
// Phones send no key (the device id is the credential); the empty endpoint is asked the same way.
using var phones = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = settings.OsmAndClients * 2 }) { BaseAddress = app.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
var units = await Setup.RegisterUnitsAsync(http, settings.Units);
var dataSourceBuilder = new NpgsqlDataSourceBuilder(app.ConnectionString);
dataSourceBuilder.UseNetTopologySuite();
await using var db = dataSourceBuilder.Build();

const string WriterSql = "COPY + latest upsert per batch, no HTTP";
var results = new Dictionary<string, List<double>>();
var latencies = new List<double>();
void Record(string name, double value) => (results.TryGetValue(name, out var list) ? list : results[name] = []).Add(value);
// Where the two cores went: CPU seconds per 100k fixes in the app, in PostgreSQL and in this bench.
var cpuUse = new Dictionary<string, List<(double App, double Postgres, double Bench)>>();
void RecordCpu(string name, Cpu.Sample before)
{
    var after = Cpu.Take(app.ProcessId);
    var per = 100_000.0 / settings.Fixes;
    (cpuUse.TryGetValue(name, out var list) ? list : cpuUse[name] = []).Add(
        ((after.App - before.App) * per, (after.Postgres - before.Postgres) * per, (after.Bench - before.Bench) * per));
}

// Each (measurement, run) writes its own three minutes of fix times (a unit's fixes 0.1 s apart,
// so up to 1.8 million fixes), so nothing collides by accident; the raw COPY needs their day
// partitions to exist (the app makes today's and on).
var origin = DateTimeOffset.UtcNow.AddMinutes(-100);
foreach (var day in new[] { origin.UtcDateTime.AddHours(-3).Date, DateTime.UtcNow.Date }.Distinct())
{
    await using var partition = db.CreateCommand(string.Create(CultureInfo.InvariantCulture,
        $"CREATE TABLE IF NOT EXISTS positions_{day:yyyyMMdd} PARTITION OF positions FOR VALUES FROM ('{day:yyyy-MM-dd} 00:00:00+00') TO ('{day.AddDays(1):yyyy-MM-dd} 00:00:00+00')"));
    await partition.ExecuteNonQueryAsync();
}
var slot = 0;
var warmSlot = 0; // warm-up passes write the minutes before the origin
List<Fix[]> NextBatches(int count) => Setup.Batches(units, count, settings.Batch, origin.AddMinutes(3 * slot++));
List<Fix[]> WarmBatches(int count) => Setup.Batches(units, count, settings.Batch, origin.AddMinutes(-3 * ++warmSlot));

if (args.Contains("--latency-only"))
{
    await Latency.RunAsync(app.BaseAddress, http, units, settings.LatencyClients);
    return;
}

// The SQL-only measurement upserts every unit of every batch into unit_positions, not each unit a
// few times a second as the app does: hundreds of thousands of dead rows, which the app's
// map feed scans a few times a second. Measured between them, it slowed the raw COPY and the HTTP
// path. So it runs only when named, last, and the table is rewritten after it.
async Task RestoreLatestAsync()
{
    await using var vacuum = db.CreateCommand("VACUUM (FULL, ANALYZE) unit_positions");
    vacuum.CommandTimeout = 300;
    await vacuum.ExecuteNonQueryAsync();
}

bool Runs(string part) => settings.Only.Contains(part) || part is "raw" or "http" && settings.Only.Contains("batch");
var osmand = Runs("osmand");
// Until the JIT has settled: a fresh app spends tens of seconds of CPU tiering up its code (EF Core,
// Npgsql, Kestrel) on its own thread, which a server that has been up for hours has long finished.
// At least --warmup passes, then more (up to 10) while either process's JIT thread was busy.
Console.WriteLine("Warming up…");
var warmPasses = 0;
for (var pass = 0; ; pass++)
{
    var (appJit, ownJit) = (Jit.CpuSeconds(app.ProcessId), Jit.CpuSeconds(Environment.ProcessId));
    if (Runs("http")) await Measure.HttpBatchesAsync(http, Measure.Bodies(WarmBatches(settings.Fixes)), settings.Clients, []);
    if (Runs("sql"))
    {
        await Measure.WriterSqlAsync(db, WarmBatches(settings.Fixes), settings.Clients);
        await RestoreLatestAsync();
    }
    if (Runs("raw")) await Measure.RawCopyAsync(db, WarmBatches(settings.Fixes), settings.Clients);
    if (osmand)
    {
        await Measure.RequestsAsync(phones, Setup.OsmAndUrls(units, settings.OsmAnd, origin.AddMinutes(-3 * ++warmSlot)), settings.OsmAndClients);
        await Measure.RequestsAsync(phones, Enumerable.Repeat("health/live", settings.OsmAnd).ToList(), settings.OsmAndClients);
    }
    var jit = Jit.Since(app.ProcessId, appJit) + Jit.Since(Environment.ProcessId, ownJit);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  pass {pass + 1}: {jit:0.00} s of JIT tiering CPU"));
    warmPasses = pass + 1;
    if (pass + 1 >= settings.Warmup && jit < 0.1 || pass >= 10) break;
}

for (var run = 1; run <= 3; run++)
{
    Console.WriteLine($"Run {run}… (load {File.ReadAllText("/proc/loadavg").Split(' ')[0]})");
    async Task RawAsync()
    {
        if (!Runs("raw")) return;
        var batches = NextBatches(settings.Fixes);
        await Cpu.SettleAsync(db, app.ProcessId);
        var cpu = Cpu.Take(app.ProcessId);
        Record("raw COPY into positions", await Measure.RawCopyAsync(db, batches, settings.Clients));
        RecordCpu("raw COPY", cpu);
    }
    async Task HttpAsync()
    {
        if (!Runs("http")) return;
        var runLatencies = new List<double>();
        var bodies = Measure.Bodies(NextBatches(settings.Fixes));
        await Cpu.SettleAsync(db, app.ProcessId);
        var cpu = Cpu.Take(app.ProcessId);
        Record("HTTP POST /api/positions", await Measure.HttpBatchesAsync(http, bodies, settings.Clients, runLatencies));
        RecordCpu("HTTP batches", cpu);
        Record("  ack p50 (ms)", Measure.Percentile(runLatencies, 0.50));
        Record("  ack p99 (ms)", Measure.Percentile(runLatencies, 0.99));
    }
    // The history and its key grow with every measurement: the ceiling and the endpoint take
    // turns going first, so neither always meets the bigger table.
    if (run % 2 == 1)
    {
        await RawAsync();
        await HttpAsync();
    }
    else
    {
        await HttpAsync();
        await RawAsync();
    }
    if (Runs("sql"))
    {
        await Cpu.SettleAsync(db, app.ProcessId);
        Record(WriterSql, await Measure.WriterSqlAsync(db, NextBatches(settings.Fixes), settings.Clients));
        await RestoreLatestAsync();
    }
    if (osmand)
    {
        await Cpu.SettleAsync(db, app.ProcessId);
        Record("empty endpoint GET /health/live", await Measure.RequestsAsync(phones, Enumerable.Repeat("health/live", settings.OsmAnd).ToList(), settings.OsmAndClients));
        Record("OsmAnd GET /api/osmand (1 fix each)", await Measure.RequestsAsync(phones, Setup.OsmAndUrls(units, settings.OsmAnd, origin.AddMinutes(3 * slot++)), settings.OsmAndClients));
    }
}


// Every fix posted, stored once. OsmAnd fixes are answered before their commit (ADR 7): wait for
// the last writes before counting.
var posted = (long)(warmPasses + 3) * ((Runs("raw") ? settings.Fixes : 0) + (Runs("http") ? settings.Fixes : 0) +
    (Runs("sql") ? settings.Fixes : 0) + (osmand ? settings.OsmAnd : 0));
long stored = 0;
for (var wait = 0; wait < 50; wait++)
{
    stored = (long)(await db.CreateCommand("SELECT count(*) FROM positions").ExecuteScalarAsync())!;
    if (stored >= posted) break;
    await Task.Delay(200);
}
Console.WriteLine();
Console.WriteLine($"| measurement | unit | run 1 | run 2 | run 3 | median | vs ceiling |");
Console.WriteLine($"|---|---|---:|---:|---:|---:|---:|");
double Median(string name) => results[name].Order().ElementAt(1);
void Row(string name, string unit, string? ceiling)
{
    if (!results.TryGetValue(name, out var r)) return;
    var ratio = ceiling is null || !results.ContainsKey(ceiling) ? "" : $"{Median(name) / Median(ceiling):0.00}×";
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {name} | {unit} | {r[0]:0} | {r[1]:0} | {r[2]:0} | {Median(name):0} | {ratio} |"));
}
Row("raw COPY into positions", "fixes/s", null);
Row(WriterSql, "fixes/s", "raw COPY into positions");
Row("HTTP POST /api/positions", "fixes/s", "raw COPY into positions");
// The machine's speed drifts from minute to minute (a shared VM): the ratio within each run, where
// the two measurements follow each other, is steadier than the ratio of the medians.
if (results.TryGetValue("HTTP POST /api/positions", out var httpRuns) && results.TryGetValue("raw COPY into positions", out var rawRuns))
{
    var pairs = httpRuns.Zip(rawRuns, (h, r) => h / r).ToList();
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"|   HTTP ÷ raw within the run | ratio | {pairs[0]:0.00} | {pairs[1]:0.00} | {pairs[2]:0.00} | {pairs.Order().ElementAt(1):0.00} | |"));
}
Row("  ack p50 (ms)", "ms", null);
Row("  ack p99 (ms)", "ms", null);
Row("empty endpoint GET /health/live", "req/s", null);
Row("OsmAnd GET /api/osmand (1 fix each)", "req/s", "empty endpoint GET /health/live");
Console.WriteLine();
if (cpuUse.Count > 0)
{
    Console.WriteLine("| CPU s per 100k fixes (median of runs) | app | PostgreSQL | bench client |");
    Console.WriteLine("|---|---:|---:|---:|");
    foreach (var (name, samples) in cpuUse)
    {
        double Mid(Func<(double App, double Postgres, double Bench), double> pick) => samples.Select(pick).Order().ElementAt(samples.Count / 2);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {name} | {Mid(x => x.App):0.00} | {Mid(x => x.Postgres):0.00} | {Mid(x => x.Bench):0.00} |"));
    }
    Console.WriteLine();
}
await Latency.RunAsync(app.BaseAddress, http, units, settings.LatencyClients);
Console.WriteLine(stored == posted
    ? $"{stored} rows in positions at the end: every fix posted, stored once."
    : $"{stored} rows in positions at the end, but {posted} fixes were posted: MISMATCH.");

internal sealed record Settings(int Fixes, int Batch, int Clients, int Units, int OsmAnd, int OsmAndClients, int Warmup, int[] LatencyClients, string[] Only)
{
    public static Settings Parse(string[] args)
    {
        int Get(string name, int fallback)
        {
            var i = Array.IndexOf(args, $"--{name}");
            return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
        }
        var i = Array.IndexOf(args, "--latency-clients");
        int[] latency = i >= 0 && i + 1 < args.Length
            ? [.. args[i + 1].Split(',', StringSplitOptions.RemoveEmptyEntries).Select(c => int.Parse(c, CultureInfo.InvariantCulture)).Where(c => c > 0)]
            : [100];
        var only = Array.IndexOf(args, "--only");
        string[] parts = only >= 0 && only + 1 < args.Length ? args[only + 1].Split(',', StringSplitOptions.RemoveEmptyEntries) : ["batch", "osmand"];
        var clients = Get("clients", 4);
        return new Settings(Get("fixes", 400_000), Get("batch", 500), clients, Get("units", 1_000), Get("osmand", 4_000),
            Get("osmand-clients", clients), Get("warmup", 3), latency, parts);
    }
}

internal static class Jit
{
    // The thread ends when idle and starts again with new work: less than before means a new one.
    public static double Since(int pid, double before) => CpuSeconds(pid) is var now && now >= before ? now - before : now;

    // CPU time of the runtime's tiered-compilation thread (Linux /proc; 0 elsewhere).
    public static double CpuSeconds(int pid)
    {
        var total = 0.0;
        try
        {
            foreach (var task in Directory.EnumerateDirectories($"/proc/{pid}/task"))
            {
                if (!File.ReadAllText(Path.Combine(task, "comm")).StartsWith(".NET Tiered", StringComparison.Ordinal)) continue;
                var fields = File.ReadAllText(Path.Combine(task, "stat")).Split(')')[^1].Split(' ', StringSplitOptions.RemoveEmptyEntries);
                total += (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / 100.0; // USER_HZ
            }
        }
        catch (IOException)
        {
            // a thread ended while being read
        }
        catch (UnauthorizedAccessException)
        {
            // not Linux, or not ours
        }
        return total;
    }
}

// CPU seconds used so far by the app, by every postgres process, and by this process (Linux /proc).
internal static class Cpu
{
    public sealed record Sample(double App, double Postgres, double Bench);

    // Each measurement starts on a quiet machine: the history vacuumed (the inserts before it would
    // otherwise start autovacuum during it), dirty pages written out, no autovacuum worker running,
    // so no measurement pays for the one before it (up to 60 s).
    public static async Task SettleAsync(NpgsqlDataSource db, int appPid)
    {
        await using (var vacuum = db.CreateCommand("VACUUM positions"))
        {
            vacuum.CommandTimeout = 300;
            await vacuum.ExecuteNonQueryAsync();
        }
        try
        {
            await using var checkpoint = db.CreateCommand("CHECKPOINT");
            await checkpoint.ExecuteNonQueryAsync();
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.InsufficientPrivilege)
        {
            // a server other than scripts/db.sh's: settle on CPU alone
        }
        await using var autovacuum = db.CreateCommand("SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'autovacuum worker'");
        var until = DateTime.UtcNow.AddSeconds(60);
        var before = Take(appPid);
        while (DateTime.UtcNow < until)
        {
            await Task.Delay(500);
            var now = Take(appPid);
            var busy = (now.App - before.App + now.Postgres - before.Postgres) / 0.5; // cores in use
            if (busy < 0.1 && (long)(await autovacuum.ExecuteScalarAsync())! == 0) return;
            before = now;
        }
    }

    public static Sample Take(int appPid)
    {
        var postgres = 0.0;
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid)) continue;
            if (Comm(pid) == "postgres") postgres += Seconds(pid);
        }
        return new Sample(Seconds(appPid), postgres, Seconds(Environment.ProcessId));
    }

    private static string? Comm(int pid)
    {
        try { return File.ReadAllText($"/proc/{pid}/comm").Trim(); } catch (IOException) { return null; } catch (UnauthorizedAccessException) { return null; }
    }

    // utime + stime of the whole process (its threads), in seconds.
    private static double Seconds(int pid)
    {
        try
        {
            var fields = File.ReadAllText($"/proc/{pid}/stat").Split(')')[^1].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / 100.0; // USER_HZ
        }
        catch (IOException)
        {
            return 0; // the process ended while being read
        }
    }
}

internal sealed record Unit(long Id, string DeviceId);

internal sealed record Fix(Unit Unit, DateTimeOffset Time, double Lat, double Lon);

internal static class Setup
{
    public static async Task<List<Unit>> RegisterUnitsAsync(HttpClient http, int count)
    {
        var units = new Unit[count];
        await Parallel.ForAsync(0, count, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, ct) =>
        {
            var unit = await (await http.PostAsJsonAsync("api/admin/patrol/units", new { callsign = $"B{i:00000}", kind = "vehicle" }, ct))
                .EnsureSuccessStatusCode().Content.ReadFromJsonAsync<JsonElement>(ct);
            var id = unit.GetProperty("id").GetInt64();
            var deviceId = $"bench-{i:00000}";
            (await http.PostAsJsonAsync("api/admin/patrol/devices", new { deviceId, unitId = id, token = TokenOf(deviceId) }, ct)).EnsureSuccessStatusCode();
            units[i] = new Unit(id, deviceId);
        });
        return [.. units];
    }

    // OsmAnd devices need a token; batches come with the API key and need none.
    public static string TokenOf(string deviceId) => $"{deviceId}-bench-token";

    // Fix i goes to unit i % units, 0.1 s after that unit's previous fix.
    public static List<Fix[]> Batches(IReadOnlyList<Unit> units, int fixes, int batch, DateTimeOffset start)
    {
        var all = Enumerable.Range(0, fixes).Select(i => new Fix(units[i % units.Count], start.AddMilliseconds(100 * (i / units.Count)),
            30.20 + (i % 997) * 0.0001, 120.15 + (i % 991) * 0.0001)).ToList();
        return [.. all.Chunk(batch)];
    }

    public static List<string> OsmAndUrls(IReadOnlyList<Unit> units, int count, DateTimeOffset start) =>
        [.. Enumerable.Range(0, count).Select(i => string.Create(CultureInfo.InvariantCulture,
            $"api/osmand?id={units[i % units.Count].DeviceId}&token={TokenOf(units[i % units.Count].DeviceId)}&timestamp={start.AddSeconds(i / units.Count).ToUnixTimeSeconds()}&lat={30.2 + i % 97 * 0.001}&lon={120.15 + i % 89 * 0.001}&speed=5&bearing=90"))];
}

internal static class Measure
{
    // p in 0..1; nearest rank.
    private static readonly GeometryFactory Wgs84 = new(new PrecisionModel(), 4326);

    public static double Percentile(List<double> values, double p) => values.Count == 0 ? 0 : values.Order().ElementAt((int)Math.Min(values.Count - 1, Math.Ceiling(p * values.Count) - 1));

    // A gateway's JSON bodies for the batches, made before the clock (and the CPU count) starts.
    public static List<(byte[] Json, int Fixes)> Bodies(List<Fix[]> batches) =>
        [.. batches.Select(b => (Encoding.UTF8.GetBytes(JsonSerializer.Serialize(new
        {
            fixes = b.Select(f => new { deviceId = f.Unit.DeviceId, time = f.Time, latitude = f.Lat, longitude = f.Lon, speed = 8.5, heading = 90, accuracy = 5 }),
        })), b.Length))];

    // fixes/s through the endpoint; each request's time to acknowledgement goes to `latencies`.
    public static async Task<double> HttpBatchesAsync(HttpClient http, List<(byte[] Json, int Fixes)> bodies, int clients, List<double> latencies)
    {
        var next = -1;
        var timer = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, clients).Select(async _ =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < bodies.Count)
            {
                var started = Stopwatch.GetTimestamp();
                using var content = new ByteArrayContent(bodies[i].Json);
                content.Headers.ContentType = new("application/json");
                using var response = await http.PostAsync("api/positions", content);
                response.EnsureSuccessStatusCode();
                var ms = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                lock (latencies) latencies.Add(ms);
            }
        }));
        return bodies.Sum(b => b.Fixes) / timer.Elapsed.TotalSeconds;
    }

    // The ceiling: each batch one binary COPY straight into the partitioned table.
    public static async Task<double> RawCopyAsync(NpgsqlDataSource db, List<Fix[]> batches, int clients)
    {
        var next = -1;
        var timer = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, clients).Select(async _ =>
        {
            await using var conn = await db.OpenConnectionAsync();
            int i;
            while ((i = Interlocked.Increment(ref next)) < batches.Count)
            {
                await using var copy = await conn.BeginBinaryImportAsync(
                    "COPY positions (unit_id, fix_time, location, speed, heading, accuracy, received_at) FROM STDIN (FORMAT BINARY)");
                foreach (var f in batches[i])
                {
                    await copy.StartRowAsync();
                    await copy.WriteAsync(f.Unit.Id, NpgsqlDbType.Bigint);
                    await copy.WriteAsync(f.Time, NpgsqlDbType.TimestampTz);
                    await copy.WriteAsync(Wgs84.CreatePoint(new Coordinate(f.Lon, f.Lat)), NpgsqlDbType.Geometry);
                    await copy.WriteAsync(8.5f, NpgsqlDbType.Real);
                    await copy.WriteAsync(90f, NpgsqlDbType.Real);
                    await copy.WriteAsync(5f, NpgsqlDbType.Real);
                    await copy.WriteAsync(DateTimeOffset.UtcNow, NpgsqlDbType.TimestampTz);
                }
                await copy.CompleteAsync();
            }
        }));
        return batches.Sum(b => b.Length) / timer.Elapsed.TotalSeconds;
    }

    // The writer's SQL for a group of new fixes, without HTTP and without its latest-upsert
    // throttle: one transaction holding a binary COPY straight into the history and an upsert of
    // each unit's newest fix of the batch.
    public static async Task<double> WriterSqlAsync(NpgsqlDataSource db, List<Fix[]> batches, int clients)
    {
        var next = -1;
        var timer = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, clients).Select(async _ =>
        {
            await using var conn = await db.OpenConnectionAsync();
            var ewkb = new byte[25];
            int i;
            while ((i = Interlocked.Increment(ref next)) < batches.Count)
            {
                await using var tx = await conn.BeginTransactionAsync();
                var receivedAt = DateTimeOffset.UtcNow;
                await using (var copy = await conn.BeginBinaryImportAsync(
                    "COPY positions (unit_id, fix_time, location, speed, heading, accuracy, received_at) FROM STDIN (FORMAT BINARY)"))
                {
                    foreach (var f in batches[i])
                    {
                        await copy.StartRowAsync();
                        await copy.WriteAsync(f.Unit.Id, NpgsqlDbType.Bigint);
                        await copy.WriteAsync(f.Time, NpgsqlDbType.TimestampTz);
                        ewkb[0] = 1;
                        BinaryPrimitives.WriteUInt32LittleEndian(ewkb.AsSpan(1), 0x2000_0001);
                        BinaryPrimitives.WriteInt32LittleEndian(ewkb.AsSpan(5), 4326);
                        BinaryPrimitives.WriteDoubleLittleEndian(ewkb.AsSpan(9), f.Lon);
                        BinaryPrimitives.WriteDoubleLittleEndian(ewkb.AsSpan(17), f.Lat);
                        await copy.WriteAsync(ewkb, NpgsqlDbType.Bytea);
                        await copy.WriteAsync(8.5f, NpgsqlDbType.Real);
                        await copy.WriteAsync(90f, NpgsqlDbType.Real);
                        await copy.WriteAsync(5f, NpgsqlDbType.Real);
                        await copy.WriteAsync(receivedAt, NpgsqlDbType.TimestampTz);
                    }
                    await copy.CompleteAsync();
                }
                var latest = batches[i].GroupBy(f => f.Unit.Id).Select(g => g.MaxBy(f => f.Time)!).OrderBy(f => f.Unit.Id).ToList();
                await using (var upsert = new NpgsqlCommand("""
                    INSERT INTO unit_positions AS u (unit_id, fix_time, location, speed, heading, accuracy, received_at, tx)
                    SELECT unit_id, fix_time, ST_SetSRID(ST_MakePoint(lon, lat), 4326), 8.5, 90, 5, now(), txid_current()
                    FROM unnest($1::bigint[], $2::timestamptz[], $3::float8[], $4::float8[]) AS f(unit_id, fix_time, lat, lon)
                    ORDER BY unit_id
                    ON CONFLICT (unit_id) DO UPDATE SET fix_time = excluded.fix_time,
                        location = CASE WHEN ST_DistanceSphere(u.location, excluded.location) < 10 THEN u.location ELSE excluded.location END,
                        speed = excluded.speed, heading = excluded.heading, accuracy = excluded.accuracy, received_at = excluded.received_at, tx = excluded.tx
                    WHERE u.fix_time < excluded.fix_time
                    """, conn, tx))
                {
                    upsert.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = [.. latest.Select(f => f.Unit.Id)] });
                    upsert.Parameters.Add(new NpgsqlParameter<DateTimeOffset[]> { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.TimestampTz, TypedValue = [.. latest.Select(f => f.Time)] });
                    upsert.Parameters.Add(new NpgsqlParameter<double[]> { TypedValue = [.. latest.Select(f => f.Lat)] });
                    upsert.Parameters.Add(new NpgsqlParameter<double[]> { TypedValue = [.. latest.Select(f => f.Lon)] });
                    await upsert.PrepareAsync();
                    await upsert.ExecuteNonQueryAsync();
                }
                await tx.CommitAsync();
            }
        }));
        return batches.Sum(b => b.Length) / timer.Elapsed.TotalSeconds;
    }

    // requests/s for a list of GETs, `clients` at a time; every one must succeed.
    public static async Task<double> RequestsAsync(HttpClient http, List<string> urls, int clients)
    {
        var next = -1;
        var timer = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, clients).Select(async _ =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < urls.Count)
            {
                using var response = await http.GetAsync(urls[i]);
                response.EnsureSuccessStatusCode();
            }
        }));
        return urls.Count / timer.Elapsed.TotalSeconds;
    }
}
