using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR.Client;
using Npgsql;

namespace CommandCenter.Bench;

// Intake → routed → on the operator's screen (issue 15), at a steady rate of alerts a second.
// Each alert is posted to POST /api/linkage-alerts on a fixed schedule (open loop: a slow answer
// does not slow the sender); the clock stops when the operator's inbox, re-read the way the
// linkage page re-reads it on a change (GET /api/linkage-alerts as the unit's operator), holds
// the alert after the live stream said it was routed. Measured alerts are closed by SQL so the
// operator's inbox stays the size of a real night's, not thousands long.
//   CommandCenter.Bench --linkage [--rate 20] [--seconds 30] [--warmup 10]
internal static class LinkageBench
{
    public const string Argument = "--linkage";
    private const double LimitMs = 1000;

    public static async Task RunAsync(string[] args, string server)
    {
        int Get(string name, int fallback) => Array.IndexOf(args, $"--{name}") is var i && i >= 0 && i + 1 < args.Length
            ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
        var rate = Get("rate", 20);
        var seconds = Get("seconds", 30);
        // A fresh process compiles its hot paths in the first seconds (tiered JIT): not a night's state.
        var warmup = Get("warmup", 10);
        Console.WriteLine($"Linkage bench: {rate} alerts/s for {seconds} s (+{warmup} s warm-up, not counted); {Environment.ProcessorCount} cores");

        await using var app = await AppProcess.StartAsync(server);
        await using var db = NpgsqlDataSource.Create(app.ConnectionString);
        using var intake = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 16 }) { BaseAddress = app.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        intake.DefaultRequestHeaders.Add("X-Api-Key", AppProcess.ApiKey);
        using var water = await DispatchBench.SignInAsync(app.BaseAddress, "water", 8);
        await WaitForUnitsAsync(db);

        var sentAt = new ConcurrentDictionary<string, long>(); // external id → when its POST began
        var idOf = new ConcurrentDictionary<long, string>();   // alert id → external id
        var shown = new ConcurrentDictionary<string, double>(); // external id → ms until on the screen
        var answered = new ConcurrentDictionary<string, double>(); // external id → ms until the POST answered
        var routedEvents = new ConcurrentDictionary<long, long>(); // alert id → when "routed" arrived
        var pending = new ConcurrentQueue<long>();
        var errors = 0;

        await using var hub = new HubConnectionBuilder().WithUrl(new Uri(app.BaseAddress, "hubs/live"), o => o.Headers["X-Api-Key"] = AppProcess.ApiKey).Build();
        hub.On<JsonElement>("ReceiveEvent", e =>
        {
            if (e.GetProperty("stream").GetString() != "linkage") return;
            var payload = e.GetProperty("payload");
            if (payload.GetProperty("state").GetString() != "routed") return;
            var id = payload.GetProperty("alertId").GetInt64();
            if (routedEvents.TryAdd(id, Stopwatch.GetTimestamp())) pending.Enqueue(id);
        });
        await hub.StartAsync();
        await hub.InvokeAsync<JsonElement>("Join", "linkage", long.MaxValue);

        // The operator's screen: each routed event makes it re-read its inbox, as the page does.
        using var stop = new CancellationTokenSource();
        var screen = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested || !pending.IsEmpty)
            {
                if (!pending.TryDequeue(out var id))
                {
                    await Task.Delay(2);
                    continue;
                }
                _ = Task.Run(async () =>
                {
                    var inbox = await water.GetFromJsonAsync<JsonElement>("api/linkage-alerts");
                    var done = Stopwatch.GetTimestamp();
                    foreach (var a in inbox.EnumerateArray())
                    {
                        var ext = a.GetProperty("externalId").GetString()!;
                        if (sentAt.TryGetValue(ext, out var start)) shown.TryAdd(ext, Stopwatch.GetElapsedTime(start, done).TotalMilliseconds);
                    }
                });
            }
        });
        // Measured alerts leave the inbox, as the operator would work them off.
        var closer = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                await Task.Delay(500);
                var seen = idOf.Where(p => shown.ContainsKey(p.Value)).Select(p => p.Key).ToArray();
                if (seen.Length == 0) continue;
                await using var cmd = db.CreateCommand("UPDATE linkage_alerts SET state = 'done' WHERE id = ANY($1) AND state <> 'done'");
                cmd.Parameters.AddWithValue(seen);
                await cmd.ExecuteNonQueryAsync();
            }
        });

        var random = new Random(15);
        var total = rate * (seconds + warmup);
        var interval = TimeSpan.FromSeconds(1.0 / rate);
        var posts = new List<Task>(total);
        var began = Stopwatch.GetTimestamp();
        var cpuBefore = Process.GetProcessById(app.ProcessId).TotalProcessorTime;
        for (var i = 0; i < total; i++)
        {
            var due = interval * i;
            var wait = due - Stopwatch.GetElapsedTime(began);
            if (wait > TimeSpan.Zero) await Task.Delay(wait);
            var ext = $"bench-{i:D6}";
            // Water alerts outside 清波街道: all go to the district water company, whose operator is "water".
            var body = new
            {
                externalId = ext, sentAt = DateTimeOffset.UtcNow, category = "water", priority = "high",
                latitude = 30.2300 + (random.NextDouble() - 0.5) * 0.006, longitude = 120.1850 + (random.NextDouble() - 0.5) * 0.006,
                address = "上城区", description = "路面冒水", reporterContact = "13800000000",
            };
            sentAt[ext] = Stopwatch.GetTimestamp();
            posts.Add(Task.Run(async () =>
            {
                using var response = await intake.PostAsJsonAsync("api/linkage-alerts", body);
                answered[ext] = Stopwatch.GetElapsedTime(sentAt[ext]).TotalMilliseconds;
                if (!response.IsSuccessStatusCode) { Interlocked.Increment(ref errors); return; }
                var alert = await response.Content.ReadFromJsonAsync<JsonElement>();
                idOf[alert.GetProperty("id").GetInt64()] = ext;
            }));
        }
        await Task.WhenAll(posts);
        var sending = Stopwatch.GetElapsedTime(began);
        var waitUntil = Stopwatch.GetTimestamp() + Stopwatch.Frequency * 10;
        while (shown.Count < total - errors && Stopwatch.GetTimestamp() < waitUntil) await Task.Delay(20);
        var cpu = Process.GetProcessById(app.ProcessId).TotalProcessorTime - cpuBefore;
        await stop.CancelAsync();
        await Task.WhenAll(screen, closer);

        var measured = Enumerable.Range(rate * warmup, total - rate * warmup).Select(i => $"bench-{i:D6}").ToList();
        var latencies = measured.Where(shown.ContainsKey).Select(e => shown[e]).Order().ToList();
        var routed = (long)(await db.CreateCommand("SELECT count(*) FROM linkage_alerts WHERE external_id LIKE 'bench-%' AND unit_id IS NOT NULL").ExecuteScalarAsync())!;
        var measuredSet = measured.ToHashSet();
        var answers = answered.Where(p => measuredSet.Contains(p.Key)).Select(p => p.Value).Order().ToList();
        // Stage by stage, to say where the time goes: the POST's answer, the routed event on the hub.
        var events = idOf.Where(p => measuredSet.Contains(p.Value) && routedEvents.ContainsKey(p.Key))
            .Select(p => Stopwatch.GetElapsedTime(sentAt[p.Value], routedEvents[p.Key]).TotalMilliseconds).Order().ToList();
        static double P(List<double> sorted, double q) => sorted.Count == 0 ? double.NaN : sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(q * sorted.Count) - 1)];
        // Over time, to tell a slow start from stalls spread through the run.
        foreach (var chunk in measured.Chunk(rate * 5))
        {
            var part = chunk.Where(shown.ContainsKey).Select(e => shown[e]).Order().ToList();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {chunk[0]}…: on screen p50 {P(part, 0.5):0} ms, max {(part.Count > 0 ? part[^1] : double.NaN):0} ms"));
        }
        Console.WriteLine();
        Console.WriteLine("| alerts/s (sent) | measured | shown | routed (all) | errors | POST answered p50/p99 ms | routed event p50/p99 ms | on screen p50 ms | on screen p99 ms | max ms | limit p99 ms | app CPU s | met |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|---|---|---|---|---|");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {total / sending.TotalSeconds:0.0} | {measured.Count} | {latencies.Count} | {routed} | {errors} | {P(answers, 0.5):0.0} / {P(answers, 0.99):0.0} | {P(events, 0.5):0.0} / {P(events, 0.99):0.0} | {P(latencies, 0.50):0.0} | {P(latencies, 0.99):0.0} | {(latencies.Count > 0 ? latencies[^1] : double.NaN):0.0} | {LimitMs:0} | {cpu.TotalSeconds:0.0} | {(latencies.Count == measured.Count && P(latencies, 0.99) <= LimitMs ? "yes" : "no")} |"));
    }

    internal static async Task WaitForUnitsAsync(NpgsqlDataSource db)
    {
        for (var i = 0; i < 600; i++)
        {
            if ((long)(await db.CreateCommand("SELECT count(*) FROM linkage_units").ExecuteScalarAsync())! > 0) return;
            await Task.Delay(100);
        }
        throw new InvalidOperationException("The app seeded no linkage units within a minute.");
    }
}
