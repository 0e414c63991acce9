using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR.Client;

namespace CommandCenter.Bench;

// From an ingest request returning to a map client receiving the fix: `clients` hub connections
// join the positions stream; fixes are posted at `rate` per second in 10 batches a second, each
// unit moving 20 m per fix (above the jitter threshold), for `seconds`.
internal static class Latency
{
    public sealed record Result(int Clients, double FixesPerSecond, long Received, double P50, double P99);

    public static async Task<Result> MeasureAsync(Uri baseAddress, HttpClient http, IReadOnlyList<Unit> units, int clients, int rate, int seconds)
    {
        var returned = new ConcurrentDictionary<(long, long), long>(); // (unit, fix ms) → timestamp when the POST returned
        var early = new ConcurrentDictionary<(long, long), ConcurrentBag<long>>(); // received before the POST returned
        var latencies = new ConcurrentBag<double>();
        var hubs = new List<HubConnection>();
        try
        {
            for (var c = 0; c < clients; c++)
            {
                var hub = new HubConnectionBuilder().WithUrl(new Uri(baseAddress, "hubs/live")).Build();
                hub.On<JsonElement>("ReceivePositions", update =>
                {
                    var now = Stopwatch.GetTimestamp();
                    foreach (var u in update.GetProperty("units").EnumerateArray())
                    {
                        var key = (u.GetProperty("id").GetInt64(), u.GetProperty("fixAt").GetDateTimeOffset().ToUnixTimeMilliseconds());
                        if (returned.TryGetValue(key, out var at)) latencies.Add(Math.Max(0, Stopwatch.GetElapsedTime(at, now).TotalMilliseconds));
                        else early.GetOrAdd(key, _ => []).Add(now);
                    }
                });
                await hub.StartAsync();
                await hub.InvokeAsync<JsonElement>("JoinPositions");
                hubs.Add(hub);
            }

            var perTick = Math.Max(1, rate / 10);
            var next = 0;
            var lat = units.Select(_ => 30.20).ToArray();
            var timer = Stopwatch.StartNew();
            using var ticker = new PeriodicTimer(TimeSpan.FromMilliseconds(100));
            var sent = 0;
            var posts = new List<Task>();
            while (timer.Elapsed < TimeSpan.FromSeconds(seconds) && await ticker.WaitForNextTickAsync())
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
                    foreach (var (_, unit) in batch)
                    {
                        var key = (unit.Id, time.ToUnixTimeMilliseconds());
                        returned[key] = at;
                        if (early.TryRemove(key, out var bag))
                            foreach (var _ in bag) latencies.Add(0);
                    }
                }));
            }
            await Task.WhenAll(posts);
            var rateAchieved = sent / timer.Elapsed.TotalSeconds;
            await Task.Delay(1500); // the last flush
            var all = latencies.ToList();
            return new Result(clients, rateAchieved, all.Count, Measure.Percentile(all, 0.5), Measure.Percentile(all, 0.99));
        }
        finally
        {
            await Task.WhenAll(hubs.Select(h => h.DisposeAsync().AsTask()));
        }
    }
}
