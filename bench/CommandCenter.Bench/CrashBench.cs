using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Npgsql;

namespace CommandCenter.Bench;

// The loss window of ADR 7, measured: OsmAnd fixes answered `200` once queued, the app killed
// with SIGKILL (a crash, no drain) in the middle of a steady stream, then the answered fixes
// counted against the history. Each run starts the app again on the same database, posts at
// `rate` for a few seconds and kills it at a random moment; lost = answered but not stored.
//   CommandCenter.Bench --crash [--rate 1000] [--runs 5] [--units 500]
internal static class CrashBench
{
    public const string Argument = "--crash";

    public static async Task RunAsync(string[] args, string server)
    {
        int Get(string name, int fallback) => Array.IndexOf(args, $"--{name}") is var i && i >= 0 && i + 1 < args.Length
            ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
        var rate = Get("rate", 1000);
        var runs = Get("runs", 5);
        var unitCount = Get("units", 500);
        Console.WriteLine($"Crash bench: OsmAnd fixes at {rate}/s (answered when queued), SIGKILL at a random moment, {runs} runs; {Environment.ProcessorCount} cores");

        // The first process owns the database (dropped when it is disposed at the end) and warms up.
        await using var owner = await AppProcess.StartAsync(server);
        var app = owner;
        var database = owner.Database;
        List<Unit> units;
        using (var api = new HttpClient { BaseAddress = app.BaseAddress, Timeout = TimeSpan.FromSeconds(60) })
        {
            api.DefaultRequestHeaders.Add("X-Api-Key", AppProcess.ApiKey);
            units = await Setup.RegisterUnitsAsync(api, unitCount);
        }
        await using var db = NpgsqlDataSource.Create(app.ConnectionString);
        var random = new Random(7);
        var rows = new List<(long Answered, long Lost, double KilledAfter)>();
        var origin = DateTimeOffset.UtcNow.AddHours(-2);
        var sequence = 0L;
        for (var run = 0; run <= runs; run++) // run 0 warms the JIT up and is not counted
        {
            if (run > 0) app = await AppProcess.StartAsync(server, database: database);
            var answered = new ConcurrentBag<(long Unit, long Ms)>();
            using var phones = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 16 }) { BaseAddress = app.BaseAddress, Timeout = TimeSpan.FromSeconds(10) };
            var killAfter = TimeSpan.FromSeconds(3 + random.NextDouble() * 3);
            var began = Stopwatch.StartNew();
            var sends = new List<Task>();
            // Requests go out every 2 ms and the kill comes from its own timer, so it lands at any
            // point of a writer's cycle, not always between two bursts.
            using var ticker = new PeriodicTimer(TimeSpan.FromMilliseconds(2));
            var kill = run == 0 ? Task.CompletedTask : Task.Run(async () =>
            {
                await Task.Delay(killAfter);
                await app.DisposeAsync(); // SIGKILL; the database is the owner's and stays
            });
            while (await ticker.WaitForNextTickAsync() && began.Elapsed < killAfter + TimeSpan.FromSeconds(1))
            {
                for (var k = 0; k < rate / 500; k++)
                {
                    var n = Interlocked.Increment(ref sequence);
                    var unit = units[(int)(n % units.Count)];
                    var at = origin.AddMilliseconds(n);
                    sends.Add(Task.Run(async () =>
                    {
                        try
                        {
                            using var response = await phones.GetAsync(string.Create(CultureInfo.InvariantCulture,
                                $"api/osmand?id={unit.DeviceId}&token={Setup.TokenOf(unit.DeviceId)}&timestamp={at.ToUnixTimeMilliseconds()}&lat={30.2 + n % 97 * 0.001}&lon=120.17"));
                            if (response.IsSuccessStatusCode) answered.Add((unit.Id, at.ToUnixTimeMilliseconds()));
                        }
                        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
                        {
                            // the app is gone
                        }
                    }));
                }
            }
            await Task.WhenAll(sends);
            await kill;
            if (run == 0)
            {
                await owner.StopGracefullyAsync(TimeSpan.FromSeconds(30));
                continue;
            }
            // Which answered fixes are in the history.
            await using var cmd = db.CreateCommand("SELECT count(*) FROM positions p JOIN unnest($1::bigint[], $2::timestamptz[]) a(unit_id, fix_time) USING (unit_id, fix_time)");
            var keys = answered.ToList();
            cmd.Parameters.AddWithValue(keys.Select(k => k.Unit).ToArray());
            cmd.Parameters.AddWithValue(keys.Select(k => DateTimeOffset.FromUnixTimeMilliseconds(k.Ms)).ToArray());
            var stored = (long)(await cmd.ExecuteScalarAsync())!;
            rows.Add((keys.Count, keys.Count - stored, killAfter.TotalSeconds));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  run {run}: killed after {killAfter.TotalSeconds:0.0} s; {keys.Count:N0} answered, {keys.Count - stored} lost"));
        }
        Console.WriteLine();
        // The window: the lost fixes as time at the rate the app was answering in that run.
        static double WindowMs((long Answered, long Lost, double KilledAfter) r) => r.Lost * 1000.0 / (r.Answered / r.KilledAfter);
        Console.WriteLine("| run | killed after s | fixes answered (queued) | answered/s | answered, not stored | loss window ms |");
        Console.WriteLine("|---:|---:|---:|---:|---:|---:|");
        for (var r = 0; r < rows.Count; r++)
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {r + 1} | {rows[r].KilledAfter:0.0} | {rows[r].Answered:N0} | {rows[r].Answered / rows[r].KilledAfter:0} | {rows[r].Lost} | {WindowMs(rows[r]):0.0} |"));
        var worst = rows.MaxBy(WindowMs);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Lost in {rows.Count(r => r.Lost > 0)} of {rows.Count} crashes; worst {worst.Lost} fixes = {WindowMs(worst):0.0} ms of answered fixes; mean {rows.Average(WindowMs):0.0} ms."));
    }
}
