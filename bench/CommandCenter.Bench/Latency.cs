using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CommandCenter.Bench;

// From an ingest request returning to a map client receiving the fix: `clients` hub connections
// (light ones, see LightHubClient) join the positions stream; fixes are posted at `rate` per
// second in 10 batches a second, each unit moving 20 m per fix (above the jitter threshold), for
// `seconds`, `runs` times.
// The ceiling, in the same run: a bare SignalR server (this program in its own process, nothing
// but a hub) broadcasting messages of the same shape, size and rate to as many clients.
internal static class Latency
{
    public sealed record Result(int Clients, double FixesPerSecond, long Received, double P50, double P99, double P999 = double.NaN);

    private const int TicksPerSecond = 10;

    // For each number of clients: the bare broadcast, then the positions feed; then the table.
    public static async Task RunAsync(Uri baseAddress, HttpClient http, IReadOnlyList<Unit> units, IReadOnlyList<int> clientCounts)
    {
        var rows = new List<(List<Result> Feed, List<Result> Bare)>();
        foreach (var clients in clientCounts)
        {
            Console.WriteLine($"Latency with {clients} map clients: bare broadcast, then the positions feed…");
            var bare = await MeasureBareAsync(clients, rate: 1_000, seconds: 10, runs: 3);
            var feed = await MeasureAsync(baseAddress, http, units, clients, rate: 1_000, seconds: 10, runs: 3);
            rows.Add((feed, bare));
        }
        if (rows.Count == 0) return;
        // Medians of three 10 s runs (after a 3 s warm-up); each run's p50/p99 over all clients' fixes.
        static double Mid(IEnumerable<double> values) => values.Order().ElementAt(1);
        Console.WriteLine();
        Console.WriteLine("| map clients | fixes/s posted | fixes received (all clients, per run) | p50 ms | p99 ms | bare broadcast p50 ms | bare p99 ms | runs p50/p99 |");
        Console.WriteLine("|---:|---:|---:|---:|---:|---:|---:|---|");
        foreach (var (feed, bare) in rows)
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {feed[0].Clients} | {Mid(feed.Select(l => l.FixesPerSecond)):0} | {Mid(feed.Select(l => (double)l.Received)):0} | {Mid(feed.Select(l => l.P50)):0} | {Mid(feed.Select(l => l.P99)):0} | {Mid(bare.Select(l => l.P50)):0} | {Mid(bare.Select(l => l.P99)):0} | {string.Join(", ", feed.Select(l => $"{l.P50:0}/{l.P99:0}"))} |"));
        Console.WriteLine("Latency: from the POST /api/positions response to the arrival, at a hub client, of the ReceivePositions message holding that fix.");
        Console.WriteLine("Bare: a hub in its own process sending a message of the same shape and size (rate/10 units) every 100 ms, from the send call to");
        Console.WriteLine("its arrival. The clients are bare WebSockets that read a message's seq only (LightHubClient); one more client reads every fix.");
        Console.WriteLine();
    }

    public static async Task<List<Result>> MeasureAsync(Uri baseAddress, HttpClient http, IReadOnlyList<Unit> units, int clients, int rate, int seconds, int runs)
    {
        var returned = new ConcurrentDictionary<(long, long), long>(); // (unit, fix ms) → timestamp when the POST returned
        var carried = new ConcurrentDictionary<long, (long Unit, long FixMs)[]>(); // seq → the fixes that message carried
        var arrivals = new ConcurrentBag<(long Seq, long At)>();
        var hubUrl = new Uri(baseAddress, "hubs/live");
        // One client reads every unit of every message, for what each seq carried…
        var reader = new HubConnectionBuilder().WithUrl(hubUrl, o => o.Headers["X-Api-Key"] = AppProcess.ApiKey).Build();
        reader.On<JsonElement>("ReceivePositions", update => carried[update.GetProperty("seq").GetInt64()] =
            [.. update.GetProperty("units").EnumerateArray().Select(u => (u[0].GetInt64(), u[8].GetInt64()))]); // [id, callsign, kind, status, lat, lon, heading, speed, fixAt ms]
        await reader.StartAsync();
        await reader.InvokeAsync<JsonElement>("JoinPositions");
        // …and the measured clients read of each message its seq and when it arrived.
        var hubs = await ConnectLightAsync(clients, hubUrl, (seq, at) => arrivals.Add((seq, at)), "JoinPositions");
        try
        {
            var lat = units.Select(_ => 30.20).ToArray();
            var next = 0;
            var results = new List<Result>();
            for (var run = 0; run <= runs; run++) // run 0 warms up
            {
                arrivals.Clear();
                var perTick = Math.Max(1, rate / TicksPerSecond);
                var timer = Stopwatch.StartNew();
                using var ticker = new PeriodicTimer(TimeSpan.FromSeconds(1.0 / TicksPerSecond));
                var sent = 0;
                var posts = new List<Task>();
                while (timer.Elapsed < TimeSpan.FromSeconds(run == 0 ? 3 : seconds) && await ticker.WaitForNextTickAsync())
                {
                    var time = DateTimeOffset.FromUnixTimeMilliseconds(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
                    var batch = new List<(int Index, Unit Unit)>();
                    for (var k = 0; k < perTick; k++, next++) batch.Add((next % units.Count, units[next % units.Count]));
                    var body = batch.Select(b => new { deviceId = b.Unit.DeviceId, time, latitude = lat[b.Index] += 0.0002, longitude = 120.17, heading = 0 }).ToList();
                    sent += body.Count;
                    posts.Add(Task.Run(async () =>
                    {
                        (await http.PostAsJsonAsync("api/positions", new { fixes = body })).EnsureSuccessStatusCode();
                        var at = Stopwatch.GetTimestamp();
                        foreach (var (_, unit) in batch) returned[(unit.Id, time.ToUnixTimeMilliseconds())] = at;
                    }));
                }
                await Task.WhenAll(posts);
                var rateAchieved = sent / timer.Elapsed.TotalSeconds;
                await Task.Delay(1500); // the last flush
                if (run == 0) continue;
                // A fix that reached a client before its POST returned counts as 0 ms.
                var all = new List<double>();
                foreach (var (seq, at) in arrivals)
                {
                    if (!carried.TryGetValue(seq, out var fixes)) continue;
                    foreach (var key in fixes)
                        if (returned.TryGetValue(key, out var back)) all.Add(Math.Max(0, Stopwatch.GetElapsedTime(back, at).TotalMilliseconds));
                }
                results.Add(new Result(clients, rateAchieved, all.Count, Measure.Percentile(all, 0.5), Measure.Percentile(all, 0.99)));
            }
            return results;
        }
        finally
        {
            await Task.WhenAll(hubs.Select(h => h.DisposeAsync().AsTask()));
            await reader.DisposeAsync();
        }
    }

    // The ceiling: a message of `rate / 10` units every 100 ms from a bare hub in its own process,
    // stamped with the monotonic clock (shared by processes on one machine) when it is sent.
    public static async Task<List<Result>> MeasureBareAsync(int clients, int rate, int seconds, int runs)
    {
        var port = FreePort();
        var perTick = Math.Max(1, rate / TicksPerSecond);
        var self = typeof(Latency).Assembly.Location;
        using var server = Process.Start(new ProcessStartInfo("dotnet", [self, BareServer.Argument, port.ToString(CultureInfo.InvariantCulture), perTick.ToString(CultureInfo.InvariantCulture)])
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardInput = true,
        })!;
        try
        {
            await server.StandardOutput.ReadLineAsync(); // "listening"
            var latencies = new ConcurrentBag<double>();
            var received = 0L;
            var hubs = await ConnectLightAsync(clients, new Uri($"http://127.0.0.1:{port}/hubs/bare"), (seq, at) =>
            {
                Interlocked.Add(ref received, perTick);
                latencies.Add(Stopwatch.GetElapsedTime(seq, at).TotalMilliseconds); // seq: when it was sent
            }, null);
            // Like the feed, which is quiet until fixes are posted: broadcast once all have connected.
            await server.StandardInput.WriteLineAsync("go");
            await server.StandardInput.FlushAsync();
            try
            {
                var results = new List<Result>();
                for (var run = 0; run <= runs; run++)
                {
                    latencies.Clear();
                    Interlocked.Exchange(ref received, 0);
                    await Task.Delay(TimeSpan.FromSeconds(run == 0 ? 3 : seconds));
                    var all = latencies.ToList();
                    if (run > 0) results.Add(new Result(clients, perTick * TicksPerSecond, Interlocked.Read(ref received), Measure.Percentile(all, 0.5), Measure.Percentile(all, 0.99), Measure.Percentile(all, 0.999)));
                }
                return results;
            }
            finally
            {
                await Task.WhenAll(hubs.Select(h => h.DisposeAsync().AsTask()));
            }
        }
        finally
        {
            server.Kill(entireProcessTree: true);
            await server.WaitForExitAsync();
        }
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task<List<LightHubClient>> ConnectLightAsync(int clients, Uri url, Action<long, long> onMessage, string? join)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(120) };
        var hubs = new LightHubClient[clients];
        await Parallel.ForAsync(0, clients, new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (c, ct) =>
            hubs[c] = await LightHubClient.ConnectAsync(http, url, AppProcess.ApiKey, join, onMessage, ct));
        return [.. hubs];
    }
}

// `CommandCenter.Bench --bare-broadcast-server <port> <units per message>`: the ceiling's server.
internal static class BareServer
{
    public const string Argument = "--bare-broadcast-server";

    public sealed class BareHub : Hub;

    public static async Task RunAsync(int port, int unitsPerMessage)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        builder.Services.AddSignalR(o => o.HandshakeTimeout = TimeSpan.FromSeconds(120));
        var app = builder.Build();
        app.MapHub<BareHub>("/hubs/bare");
        await app.StartAsync();
        Console.WriteLine("listening");
        await Console.In.ReadLineAsync(); // "go"
        // Its stdin is the bench's pipe: when the bench ends, killed or not, the pipe closes and so
        // does this server, instead of broadcasting on alone.
        _ = Task.Run(async () =>
        {
            while (await Console.In.ReadLineAsync() is not null) { }
            Environment.Exit(0);
        });
        var hub = app.Services.GetRequiredService<IHubContext<BareHub>>();
        // The same shape as a positions batch: [id, callsign, kind, status, lat, lon, heading, speed, fixAt ms].
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var units = Enumerable.Range(0, unitsPerMessage)
            .Select(i => new object?[] { 1000L + i, $"B{i:00000}", "vehicle", "available", Math.Round(30.2 + i * 0.000123, 6), 120.17, 0.0, null, now }).ToArray();
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(100));
        while (await timer.WaitForNextTickAsync())
            await hub.Clients.All.SendAsync("ReceivePositions", new { seq = Stopwatch.GetTimestamp(), snapshot = false, units });
    }
}
