using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR.Client;
using Npgsql;

namespace CommandCenter.Bench;

// A night's load on two instances sharing one database, as the issue 17 soak: patrol fixes
// (gateway batches and OsmAnd singles), incidents and linkage alerts at once, against map clients
// on the hub, live-event clients and dashboards as real Blazor circuits (BlazorCircuitClient),
// spread over both instances. The ceiling — a bare SignalR broadcast of positions-sized messages at
// the same rate to as many map clients — is measured first in the same run. Halfway, one instance
// is taken out of rotation and restarted (SIGTERM, drain, start); its clients move to the other.
// Delivery is measured from the moment the ingest request was answered to the moment the client
// held the message (positions: a sample of units; incidents: every one). Heap after a full
// collection on both instances after the warm-up and at the end.
//   CommandCenter.Bench --soak [--minutes 30] [--warmup 2] [--fixes 1000] [--events 20] [--dashboards 200]
//     [--maps 50] [--event-clients 20] [--units 2000] [--osmand-share 0.2] [--restart-at 0.5] [--page /] [--open-for 30]
//   --open-for: seconds until the desk resolves an incident and a unit finishes an alert, which
//   sets how many are open on the boards (rate/2 × open-for of each).
internal static class SoakBench
{
    public const string Argument = "--soak";
    private const string Marker = "SOAK-";
    private const double DeliveryLimitMs = 500;
    private const int SampleEvery = 10; // positions: units whose id % 10 == 0 are timed

    private sealed record Options(double Minutes, double Warmup, int Fixes, int Events, int Dashboards, int Maps, int EventClients, int Units,
        double OsmAndShare, double RestartAt, string Page, double OpenFor);

    // One instance as the load balancer sees it: in rotation or not.
    private sealed class Instance(AppProcess app, string name)
    {
        public AppProcess App { get; set; } = app;
        public string Name { get; } = name;
        public volatile bool InRotation = true;
        public HttpClient Api { get; set; } = default!;
        public HttpClient Phones { get; set; } = default!;
    }

    public static async Task RunAsync(string[] args, string server)
    {
        string? Arg(string name) => Array.IndexOf(args, $"--{name}") is var i && i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
        double Num(string name, double fallback) => Arg(name) is { } v ? double.Parse(v, CultureInfo.InvariantCulture) : fallback;
        var o = new Options(Num("minutes", 30), Num("warmup", 2), (int)Num("fixes", 1000), (int)Num("events", 20), (int)Num("dashboards", 200),
            (int)Num("maps", 50), (int)Num("event-clients", 20), (int)Num("units", 2000), Num("osmand-share", 0.2), Num("restart-at", 0.5), Arg("page") ?? "/", Num("open-for", 30));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Soak: {o.Minutes} min (+{o.Warmup} min warm-up) on two instances; {o.Fixes} fixes/s ({o.OsmAndShare:P0} OsmAnd singles), {o.Events} incidents+alerts/s, " +
            $"{o.Dashboards} dashboards ({o.Page}), {o.Maps} map clients, {o.EventClients} event clients, {o.Units} units; {Environment.ProcessorCount} cores"));

        // The ceiling first, on a quiet machine as the soak's clients will meet it.
        Console.WriteLine("Ceiling: bare SignalR broadcast of the same size and rate…");
        var bare = (await Latency.MeasureBareAsync(o.Maps, o.Fixes, seconds: 20, runs: 1))[0];

        var settings = new Dictionary<string, string> { ["Logging__LogLevel__Default"] = "Warning" };
        var a = new Instance(await AppProcess.StartAsync(server, settings), "A");
        var b = new Instance(await AppProcess.StartAsync(server, settings, a.App.Database), "B");
        Instance[] instances = [a, b];
        foreach (var i in instances) Connect(i);
        await using var db = NpgsqlDataSource.Create(a.App.ConnectionString);
        await LinkageBench.WaitForUnitsAsync(db);
        var units = await Setup.RegisterUnitsAsync(a.Api, o.Units);
        using var dispatcher = await DispatchBench.SignInAsync(a.App.BaseAddress, "dispatcher", 4);
        dispatcher.DefaultRequestHeaders.Add("X-CC-Request", "1");

        var errors = new ConcurrentDictionary<string, int>();
        void Error(string what) => errors.AddOrUpdate(what, 1, (_, n) => n + 1);
        var fixesAcked = 0L;
        var fixesSent = 0L;
        var incidentsAcked = 0L;
        var alertsAcked = 0L;
        var window = new RestartWindow();
        var positionDelivery = new Delivery(window);
        var eventDelivery = new Delivery(window);
        var dashboardDelivery = new Delivery(window);
        // (unit, fix ms) → when its request was answered, for the sampled units.
        var fixAnswered = new ConcurrentDictionary<(long, long), long>();
        // (instance, seq) → the sampled fixes that positions message carried: from one full reader per instance.
        var carried = new ConcurrentDictionary<(int, long), (long Unit, long FixMs)[]>();
        var incidentAnswered = new ConcurrentDictionary<long, long>(); // incident id → answered at
        var incidentOfSeq = new ConcurrentDictionary<long, long>();    // event seq → incident id
        var incidentOfMarker = new ConcurrentDictionary<int, long>();  // SOAK-n → answered at
        var opened = new ConcurrentQueue<(long Id, long At)>();

        var readers = new List<HubConnection>();
        for (var n = 0; n < instances.Length; n++)
        {
            var index = n;
            var reader = new HubConnectionBuilder().WithUrl(new Uri(instances[n].App.BaseAddress, "hubs/live"), c => c.Headers["X-Api-Key"] = AppProcess.ApiKey).Build();
            reader.On<JsonElement>("ReceivePositions", update => carried[(index, update.GetProperty("seq").GetInt64())] =
                [.. update.GetProperty("units").EnumerateArray().Where(u => u[0].GetInt64() % SampleEvery == 0).Select(u => (u[0].GetInt64(), u[8].GetInt64()))]);
            reader.On<JsonElement>("ReceiveEvent", e =>
            {
                if (e.GetProperty("type").GetString() == "incident.created")
                    incidentOfSeq[e.GetProperty("seq").GetInt64()] = e.GetProperty("payload").GetProperty("id").GetInt64();
            });
            await reader.StartAsync();
            await reader.InvokeAsync<JsonElement>("JoinPositions");
            await reader.InvokeAsync<JsonElement>("Join", "incidents", long.MaxValue);
            readers.Add(reader);
        }

        // Map clients: light hub clients, half on each instance.
        using var hubHttp = new HttpClient { Timeout = TimeSpan.FromSeconds(120) };
        // Arrivals are matched with what was answered a few seconds later (Resolve): a reader, or
        // the answer to a request, may come after a client already holds the message. A delivery
        // that came before its request was answered counts as 0 ms.
        var positionArrivals = new ConcurrentQueue<(int Instance, long Seq, long At)>();
        var eventArrivals = new ConcurrentQueue<(long Seq, long At)>();
        var dashboardArrivals = new ConcurrentQueue<(int D, int N, long At)>();
        // A moved dashboard was away from the last drawing B sent it (or B's SIGTERM) until its page
        // on A drew: incidents answered meanwhile reach it when it comes back. They are counted
        // apart — the time away is judged as the resume (≤ 10 s), not as a live screen's delivery —
        // like the events an event client catches up through its join.
        var away = new ConcurrentDictionary<int, (long From, long To)>();
        var caughtUp = new Histogram();
        var unmatched = 0L;
        void Resolve(bool final)
        {
            var cutoff = Stopwatch.GetTimestamp() - 5 * Stopwatch.Frequency;
            static double Ms(long from, long to) => Math.Max(0, Stopwatch.GetElapsedTime(from, to).TotalMilliseconds);
            for (var k = positionArrivals.Count; k > 0 && positionArrivals.TryDequeue(out var p); k--)
            {
                if (carried.TryGetValue((p.Instance, p.Seq), out var fixes))
                {
                    foreach (var key in fixes)
                        if (fixAnswered.TryGetValue(key, out var back)) positionDelivery.Add(Ms(back, p.At), back);
                }
                else if (!final && p.At > cutoff) positionArrivals.Enqueue(p);
                else Interlocked.Increment(ref unmatched);
            }
            for (var k = eventArrivals.Count; k > 0 && eventArrivals.TryDequeue(out var e); k--)
            {
                if (incidentOfSeq.TryGetValue(e.Seq, out var id) && incidentAnswered.TryGetValue(id, out var back)) eventDelivery.Add(Ms(back, e.At), back);
                else if (!final && e.At > cutoff) eventArrivals.Enqueue(e);
            }
            for (var k = dashboardArrivals.Count; k > 0 && dashboardArrivals.TryDequeue(out var d); k--)
            {
                if (!incidentOfMarker.TryGetValue(d.N, out var back))
                {
                    if (!final && d.At > cutoff) dashboardArrivals.Enqueue(d);
                }
                else if (away.TryGetValue(d.D, out var gap) && back >= gap.From && back <= gap.To) caughtUp.Add(Ms(back, d.At));
                else dashboardDelivery.Add(Ms(back, d.At), back);
            }
        }
        void OnPositions(int instance, long seq, long at) => positionArrivals.Enqueue((instance, seq, at));
        var maps = new ConcurrentDictionary<int, (LightHubClient Client, int Instance)>();
        async Task ConnectMapAsync(int m, int instance) =>
            maps[m] = (await LightHubClient.ConnectAsync(hubHttp, new Uri(instances[instance].App.BaseAddress, "hubs/live"), AppProcess.ApiKey, "JoinPositions",
                (seq, at) => OnPositions(instance, seq, at), CancellationToken.None), instance);
        await Parallel.ForAsync(0, o.Maps, new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (m, _) => await ConnectMapAsync(m, m % 2));

        // Event clients: every incident once each; a client that moves catches up through its join.
        var eventSeqs = Enumerable.Range(0, o.EventClients).Select(_ => new ConcurrentDictionary<long, byte>()).ToArray();
        var lastSeq = new long[o.EventClients];
        var events = new ConcurrentDictionary<int, (LightHubClient Client, int Instance)>();
        async Task ConnectEventsAsync(int c, int instance, long afterSeq)
        {
            var client = await LightHubClient.ConnectAsync(hubHttp, new Uri(instances[instance].App.BaseAddress, "hubs/live"), AppProcess.ApiKey, "Join", (seq, at) =>
            {
                if (!eventSeqs[c].TryAdd(seq, 0)) return;
                InterlockedMax(ref lastSeq[c], seq);
                eventArrivals.Enqueue((seq, at));
            }, CancellationToken.None, target: "ReceiveEvent", joinArguments: string.Create(CultureInfo.InvariantCulture, $"\"incidents\",{afterSeq}"));
            foreach (var seq in CaughtUpSeqs(client.JoinResult)) eventSeqs[c].TryAdd(seq, 0);
            events[c] = (client, instance);
        }
        await Parallel.ForAsync(0, o.EventClients, new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (c, _) => await ConnectEventsAsync(c, c % 2, long.MaxValue));

        // Dashboards: real circuits of the page, signed in as the duty officer on their instance.
        var cookies = new CookieContainer[instances.Length];
        for (var n = 0; n < instances.Length; n++) cookies[n] = await BlazorCircuitClient.SignInAsync(instances[n].App.BaseAddress, "duty");
        var shownOn = Enumerable.Range(0, o.Dashboards).Select(_ => new ConcurrentDictionary<int, byte>()).ToArray();
        var dashboards = new ConcurrentDictionary<int, (BlazorCircuitClient Client, int Instance)>();
        var markerBytes = Encoding.UTF8.GetBytes(Marker);
        void OnBatch(int d, ReadOnlyMemory<byte> batch, long at)
        {
            var span = batch.Span;
            int found;
            while ((found = span.IndexOf(markerBytes)) >= 0)
            {
                span = span[(found + markerBytes.Length)..];
                if (span.Length >= 6 && System.Buffers.Text.Utf8Parser.TryParse(span[..6], out int n, out var used) && used == 6 && shownOn[d].TryAdd(n, 0))
                    dashboardArrivals.Enqueue((d, n, at));
            }
        }
        async Task OpenDashboardAsync(int d, int instance) =>
            dashboards[d] = (await BlazorCircuitClient.ConnectAsync(instances[instance].App.BaseAddress, o.Page, cookies[instance], (batch, at) => OnBatch(d, batch, at), CancellationToken.None), instance);
        var connecting = Stopwatch.StartNew();
        await Parallel.ForAsync(0, o.Dashboards, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (d, _) => await OpenDashboardAsync(d, d % 2));
        Console.WriteLine($"Connected {o.Maps} map clients, {o.EventClients} event clients and {o.Dashboards} dashboards in {connecting.Elapsed.TotalSeconds:0} s.");

        // The senders: open loops on fixed ticks, alternating between the instances in rotation.
        using var stop = new CancellationTokenSource();
        var turn = 0;
        Instance Next()
        {
            var pick = instances[Interlocked.Increment(ref turn) % instances.Length];
            return pick.InRotation ? pick : instances.First(i => i.InRotation);
        }
        var lat = new double[units.Count];
        Array.Fill(lat, 30.20);
        var nextUnit = 0;
        var fixSender = Task.Run(async () =>
        {
            using var ticker = new PeriodicTimer(TimeSpan.FromMilliseconds(100));
            var perTick = o.Fixes / 10;
            var singles = (int)Math.Round(perTick * o.OsmAndShare);
            while (await ticker.WaitForNextTickAsync() && !stop.IsCancellationRequested)
            {
                var now = DateTimeOffset.FromUnixTimeMilliseconds(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
                var picked = new List<(Unit Unit, double Lat)>(perTick);
                for (var k = 0; k < perTick; k++, nextUnit = (nextUnit + 1) % units.Count) picked.Add((units[nextUnit], lat[nextUnit] += 0.0002));
                Interlocked.Add(ref fixesSent, perTick);
                var batch = picked.Skip(singles).ToList();
                var target = Next();
                _ = SendBatchAsync(target, batch, now);
                foreach (var (unit, unitLat) in picked.Take(singles)) _ = SendSingleAsync(Next(), unit, unitLat, now);
            }
        });
        async Task SendBatchAsync(Instance target, List<(Unit Unit, double Lat)> batch, DateTimeOffset time)
        {
            try
            {
                using var response = await target.Api.PostAsJsonAsync("api/positions",
                    new { fixes = batch.Select(f => new { deviceId = f.Unit.DeviceId, time, latitude = f.Lat, longitude = 120.17, heading = 0, speed = 8.5 }) });
                if (!response.IsSuccessStatusCode) { Error($"POST /api/positions {(int)response.StatusCode}"); return; }
                var at = Stopwatch.GetTimestamp();
                Interlocked.Add(ref fixesAcked, batch.Count);
                foreach (var (unit, _) in batch) if (unit.Id % SampleEvery == 0) fixAnswered[(unit.Id, time.ToUnixTimeMilliseconds())] = at;
            }
            catch (HttpRequestException ex) { Error($"POST /api/positions {ex.HttpRequestError}"); }
        }
        async Task SendSingleAsync(Instance target, Unit unit, double unitLat, DateTimeOffset time)
        {
            try
            {
                using var response = await target.Phones.GetAsync(string.Create(CultureInfo.InvariantCulture,
                    $"api/osmand?id={unit.DeviceId}&token={Setup.TokenOf(unit.DeviceId)}&timestamp={time.ToUnixTimeMilliseconds()}&lat={unitLat}&lon=120.17&speed=5&bearing=0"));
                if (!response.IsSuccessStatusCode) { Error($"GET /api/osmand {(int)response.StatusCode}"); return; }
                var at = Stopwatch.GetTimestamp();
                Interlocked.Increment(ref fixesAcked);
                if (unit.Id % SampleEvery == 0) fixAnswered[(unit.Id, time.ToUnixTimeMilliseconds())] = at;
            }
            catch (HttpRequestException ex) { Error($"GET /api/osmand {ex.HttpRequestError}"); }
        }

        var eventNumber = 0;
        var random = new Random(17);
        var eventSender = Task.Run(async () =>
        {
            using var ticker = new PeriodicTimer(TimeSpan.FromSeconds(1.0 / o.Events));
            while (await ticker.WaitForNextTickAsync() && !stop.IsCancellationRequested)
            {
                var n = Interlocked.Increment(ref eventNumber);
                var target = Next();
                _ = n % 2 == 0 ? ReportIncidentAsync(target, n) : RaiseAlertAsync(target, n);
            }
        });
        async Task ReportIncidentAsync(Instance target, int n)
        {
            try
            {
                // Incidents spread over the city, so no plan rule sees a cluster of them.
                using var response = await target.Api.PostAsJsonAsync("api/incidents", new
                {
                    type = "theft", latitude = 30.22 + random.NextDouble() * 0.06, longitude = 120.12 + random.NextDouble() * 0.08,
                    title = string.Create(CultureInfo.InvariantCulture, $"{Marker}{n:D6} 浸泡测试"), externalId = $"{Marker}{n}",
                });
                if (!response.IsSuccessStatusCode) { Error($"POST /api/incidents {(int)response.StatusCode}"); return; }
                var at = Stopwatch.GetTimestamp();
                var id = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();
                incidentAnswered[id] = at;
                incidentOfMarker[n] = at;
                opened.Enqueue((id, at));
                Interlocked.Increment(ref incidentsAcked);
            }
            catch (HttpRequestException ex) { Error($"POST /api/incidents {ex.HttpRequestError}"); }
        }
        async Task RaiseAlertAsync(Instance target, int n)
        {
            try
            {
                using var response = await target.Api.PostAsJsonAsync("api/linkage-alerts", new
                {
                    externalId = $"soak-alert-{n}", sentAt = DateTimeOffset.UtcNow, category = "water", priority = "low",
                    latitude = 30.2300 + (random.NextDouble() - 0.5) * 0.006, longitude = 120.1850 + (random.NextDouble() - 0.5) * 0.006,
                    address = "上城区", description = "路面冒水", reporterContact = "13800000000",
                });
                if (!response.IsSuccessStatusCode) { Error($"POST /api/linkage-alerts {(int)response.StatusCode}"); return; }
                Interlocked.Increment(ref alertsAcked);
            }
            catch (HttpRequestException ex) { Error($"POST /api/linkage-alerts {ex.HttpRequestError}"); }
        }

        // The desk resolves incidents and the linkage units finish alerts after --open-for seconds,
        // so the boards hold a night's open work, not everything sent.
        var closerErrors = 0;
        var closer = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                await Task.Delay(2_000);
                while (opened.TryPeek(out var first) && Stopwatch.GetElapsedTime(first.At) > TimeSpan.FromSeconds(o.OpenFor) && opened.TryDequeue(out var due))
                {
                    using var response = await dispatcher.PostAsJsonAsync($"api/incidents/{due.Id}/resolve", new { outcome = "浸泡测试：处置完毕" });
                    if (!response.IsSuccessStatusCode) Interlocked.Increment(ref closerErrors);
                }
                await using var cmd = db.CreateCommand("UPDATE linkage_alerts SET state = 'done' WHERE external_id LIKE 'soak-alert-%' AND state <> 'done' AND received_at < now() - make_interval(secs => $1)");
                cmd.Parameters.AddWithValue(o.OpenFor);
                try { await cmd.ExecuteNonQueryAsync(); } catch (PostgresException) { Interlocked.Increment(ref closerErrors); }
            }
        });

        // Warm-up, then the measured stretch with the restart in it.
        var began = Stopwatch.StartNew();
        await Task.Delay(TimeSpan.FromMinutes(o.Warmup));
        Resolve(final: true);
        foreach (var h in new[] { positionDelivery, eventDelivery, dashboardDelivery }) h.Clear();
        errors.Clear();
        var warm = await HeapAsync(instances);
        Console.WriteLine($"Warm: heap A {warm[0].Mb:0.0} MB, B {warm[1].Mb:0.0} MB; circuits {warm[0].Circuits}+{warm[1].Circuits}.");
        var measured = Stopwatch.StartNew();
        var warmedAt = Stopwatch.GetTimestamp();
        var (fixesAtWarm, incidentsAtWarm) = (Interlocked.Read(ref fixesAcked), Interlocked.Read(ref incidentsAcked));
        var restart = new RestartResult();
        var restartDue = TimeSpan.FromMinutes(o.Minutes * o.RestartAt);
        var restarted = o.RestartAt is <= 0 or >= 1;
        while (measured.Elapsed < TimeSpan.FromMinutes(o.Minutes))
        {
            await Task.Delay(TimeSpan.FromSeconds(Math.Min(60, Math.Max(1, (TimeSpan.FromMinutes(o.Minutes) - measured.Elapsed).TotalSeconds))));
            Resolve(final: false);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {measured.Elapsed.TotalMinutes:0.0} min: fixes {Interlocked.Read(ref fixesAcked) - fixesAtWarm:N0}, incidents {Interlocked.Read(ref incidentsAcked) - incidentsAtWarm:N0}; " +
                $"p99 positions {positionDelivery.All.Percentile(0.99):0} ms, events {eventDelivery.All.Percentile(0.99):0} ms, dashboards {dashboardDelivery.All.Percentile(0.99):0} ms; " +
                $"errors {errors.Values.Sum()}; load {File.ReadAllText("/proc/loadavg").Split(' ')[0]}"));
            if (!restarted && measured.Elapsed >= restartDue)
            {
                restarted = true;
                restart = await RestartAsync(b, 1, window, away, server, settings, maps, events, dashboards, ConnectMapAsync, ConnectEventsAsync, OpenDashboardAsync, lastSeq);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"  restart of B: stopped in {restart.StoppedIn.TotalSeconds:0.0} s; {restart.Moved} clients moved to A, slowest resumed in {restart.SlowestResume.TotalSeconds:0.0} s; B back in {restart.BackIn.TotalSeconds:0.0} s"));
            }
        }
        await stop.CancelAsync();
        await Task.WhenAll(fixSender, eventSender, closer);
        var seconds = measured.Elapsed.TotalSeconds;
        await Task.Delay(5_000); // the last answers, writes and flushes
        Resolve(final: true);
        var end = await HeapAsync(instances);

        // Nothing acknowledged lost: every answered fix stored, every answered incident stored and at
        // every event client (a moved client counts what its join caught up), shown on every
        // dashboard that never moved.
        var stored = (long)(await db.CreateCommand("SELECT count(*) FROM positions").ExecuteScalarAsync())!;
        var storedIncidents = (long)(await db.CreateCommand($"SELECT count(*) FROM incidents WHERE external_id LIKE '{Marker}%'").ExecuteScalarAsync())!;
        var incidentSeqs = incidentOfSeq.Keys.ToHashSet();
        var eventGaps = eventSeqs.Select(seen => incidentSeqs.Count(s => !seen.ContainsKey(s))).ToArray();
        var stayed = dashboards.Where(p => !restart.MovedDashboards.Contains(p.Key)).Select(p => p.Key).ToList();
        // Judged after the warm-up, like the delivery times: while the JIT warms, a screen can fall
        // more than the list's 50 incidents (5 s) behind and skip to the latest state.
        var markers = incidentOfMarker.Where(p => p.Value >= warmedAt).Select(p => p.Key).ToList();
        var warmMarkers = incidentOfMarker.Where(p => p.Value < warmedAt).Select(p => p.Key).ToList();
        var dashboardGaps = stayed.Sum(d => markers.Count(n => !shownOn[d].ContainsKey(n)));
        var warmGaps = stayed.Sum(d => warmMarkers.Count(n => !shownOn[d].ContainsKey(n)));

        static string P(Histogram h) => string.Create(CultureInfo.InvariantCulture, $"{h.Percentile(0.5):0} | {h.Percentile(0.99):0} | {h.Percentile(0.999):0}");
        Console.WriteLine();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Soak {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC: {seconds / 60:0.0} min measured after {o.Warmup} min warm-up, two instances, {Environment.ProcessorCount} cores."));
        Console.WriteLine("| measure | value | p50 ms | p99 ms | p99.9 ms | limit | met |");
        Console.WriteLine("|---|---:|---:|---:|---:|---|---|");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| fixes/s answered (sent) | {(Interlocked.Read(ref fixesAcked) - fixesAtWarm) / seconds:0} ({o.Fixes}) | | | | | |"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| incidents + alerts/s answered | {(Interlocked.Read(ref incidentsAcked) - incidentsAtWarm) * 2 / seconds:0.0} ({o.Events}) | | | | | |"));
        Console.WriteLine($"| ceiling: bare SignalR broadcast, {o.Maps} clients, {o.Fixes / 10} units per message every 100 ms | {bare.Received:N0} msgs | {bare.P50:0} | {bare.P99:0} | {bare.P999:0} | | |");
        Console.WriteLine($"| positions → {o.Maps} map clients (hub) | {positionDelivery.All.Count:N0} fixes | {P(positionDelivery.All)} | p99 ≤ {DeliveryLimitMs} | {Met(positionDelivery.All.Percentile(0.99) <= DeliveryLimitMs)} |");
        Console.WriteLine($"| incidents → {o.EventClients} event clients (hub) | {eventDelivery.All.Count:N0} | {P(eventDelivery.All)} | p99 ≤ {DeliveryLimitMs} | {Met(eventDelivery.All.Percentile(0.99) <= DeliveryLimitMs)} |");
        Console.WriteLine($"| incidents → {o.Dashboards} dashboards (circuits of {o.Page}) | {dashboardDelivery.All.Count:N0} | {P(dashboardDelivery.All)} | p99 ≤ {DeliveryLimitMs} | {Met(dashboardDelivery.All.Percentile(0.99) <= DeliveryLimitMs)} |");
        if (caughtUp.Count > 0)
            Console.WriteLine($"| (moved dashboards: incidents answered while away, drawn when the page came back; judged as the resume) | {caughtUp.Count:N0} | {P(caughtUp)} | | |");
        Console.WriteLine($"| errors (failed answers) | {errors.Values.Sum()} {string.Join(", ", errors.Select(e => $"{e.Key}: {e.Value}"))} | | | | 0 | {Met(errors.IsEmpty)} |");
        Console.WriteLine($"| fixes answered, not stored | {Math.Max(0, Interlocked.Read(ref fixesAcked) - stored)} of {Interlocked.Read(ref fixesAcked):N0} (stored {stored:N0}) | | | | 0 | {Met(stored >= Interlocked.Read(ref fixesAcked))} |");
        Console.WriteLine($"| incidents answered, not stored | {Math.Max(0, Interlocked.Read(ref incidentsAcked) - storedIncidents)} of {Interlocked.Read(ref incidentsAcked):N0} | | | | 0 | {Met(storedIncidents >= Interlocked.Read(ref incidentsAcked))} |");
        Console.WriteLine($"| incident events missing at event clients | {eventGaps.Sum()} over {o.EventClients} clients × {incidentSeqs.Count} | | | | 0 | {Met(eventGaps.Sum() == 0)} |");
        Console.WriteLine($"| incidents never shown on a dashboard that stayed | {dashboardGaps} over {stayed.Count} × {markers.Count} | | | | 0 | {Met(dashboardGaps == 0)} |");
        Console.WriteLine($"| (during the warm-up, not judged) incidents never shown | {warmGaps} over {stayed.Count} × {warmMarkers.Count} | | | | | |");
        // After a restart one instance carries every client: the system's memory is the two
        // instances' together, for the same clients as after the warm-up.
        for (var n = 0; n < instances.Length; n++)
        {
            var growth = (end[n].Mb - warm[n].Mb) / warm[n].Mb;
            var note = n == 1 && restarted ? " (restarted: its warm figure is the first process's)" : "";
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| heap after full GC, instance {instances[n].Name}: warm → end{note} | {warm[n].Mb:0.0} MB, {warm[n].Circuits} circuits → {end[n].Mb:0.0} MB, {end[n].Circuits} circuits ({growth:+0.0%;-0.0%}) | | | | | |"));
        }
        var (warmTotal, endTotal) = (warm.Sum(r => r.Mb), end.Sum(r => r.Mb));
        var totalGrowth = (endTotal - warmTotal) / warmTotal;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| heap after full GC, both instances: warm → end | {warmTotal:0.0} → {endTotal:0.0} MB ({totalGrowth:+0.0%;-0.0%}), {warm.Sum(r => r.Circuits)} → {end.Sum(r => r.Circuits)} circuits | | | | ≤ +10 % | {Met(totalGrowth <= 0.10)} |"));
        if (restarted && restart.Moved > 0)
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| restart of B: clients moved to A, slowest resume | {restart.Moved} clients, {restart.SlowestResume.TotalSeconds:0.0} s (B stopped in {restart.StoppedIn.TotalSeconds:0.0} s) | | | | ≤ 10 s | {Met(restart.SlowestResume <= TimeSpan.FromSeconds(10))} |"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"(closing incidents/alerts as the desk would: {closerErrors} failures, not part of the load; position messages no reader saw: {Interlocked.Read(ref unmatched)})"));
        if (restarted && restart.Moved > 0)
        {
            // The same deliveries split: around the restart, and the rest of the night.
            Console.WriteLine();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"Around the restart ({window.Describe()}) against the rest, p50 | p99 | p99.9 ms:"));
            Console.WriteLine("| delivery | rest of the night | around the restart |");
            Console.WriteLine("|---|---:|---:|");
            foreach (var (what, d) in new[] { ("positions", positionDelivery), ("incidents → event clients", eventDelivery), ("incidents → dashboards", dashboardDelivery) })
                Console.WriteLine($"| {what} | {d.Steady.Count:N0}: {P(d.Steady)} | {d.Around.Count:N0}: {P(d.Around)} |");
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Dashboards by when the incident was answered, {RestartWindow.SlotSeconds} s slots from B leaving the rotation (count, p50/p99/max ms):"));
            Console.WriteLine("  " + string.Join("  ", dashboardDelivery.Slots.Select((h, k) => (h, k)).Where(x => x.h.Count > 0)
                .Select(x => string.Create(CultureInfo.InvariantCulture, $"+{x.k * RestartWindow.SlotSeconds}s {x.h.Count}: {x.h.Percentile(0.5):0}/{x.h.Percentile(0.99):0}/{x.h.Percentile(1):0}"))));
        }
        if (dashboardGaps + warmGaps > 0)
        {
            // Which incidents, and when they were answered: a stall of the screens, or a few at the end.
            var first = incidentOfMarker.Values.Min();
            // The judged ones (after the warm-up) first.
            var missing = stayed.SelectMany(d => incidentOfMarker.Keys.Where(n => !shownOn[d].ContainsKey(n))).GroupBy(n => n)
                .Select(g => (N: g.Key, At: Stopwatch.GetElapsedTime(first, incidentOfMarker[g.Key]).TotalSeconds, Dashboards: g.Count()))
                .OrderBy(m => incidentOfMarker[m.N] < warmedAt).ThenBy(m => m.At).ToList();
            await using var look = db.CreateCommand(
                "SELECT external_id, status, priority, reported_at, resolved_at, grid_code FROM incidents WHERE external_id = ANY(@ids) ORDER BY id");
            look.Parameters.AddWithValue("ids", missing.Take(12).Select(m => $"{Marker}{m.N}").ToArray());
            await using (var r = await look.ExecuteReaderAsync())
                while (await r.ReadAsync())
                    Console.WriteLine($"  {r.GetValue(0)} {r.GetValue(1)} {r.GetValue(2)} reported {r.GetValue(3)} resolved {r.GetValue(4)} grid {r.GetValue(5)}");
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"(never shown: {missing.Count} incidents, answered at {string.Join(", ", missing.Take(12).Select(m => $"{m.At:0.0} s ({m.Dashboards} screens)"))}{(missing.Count > 12 ? ", …" : "")} into the load of {Stopwatch.GetElapsedTime(first).TotalSeconds:0} s)"));
        }

        foreach (var (client, _) in dashboards.Values) await client.DisposeAsync();
        foreach (var (client, _) in maps.Values) await client.DisposeAsync();
        foreach (var (client, _) in events.Values) await client.DisposeAsync();
        foreach (var reader in readers) await reader.DisposeAsync();
        foreach (var i in instances) { i.Api.Dispose(); i.Phones.Dispose(); }
        await b.App.DisposeAsync();
        await a.App.DisposeAsync();
    }

    private static string Met(bool met) => met ? "PASS" : "FAIL";

    private static void Connect(Instance i)
    {
        i.Api = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 32 }) { BaseAddress = i.App.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        i.Api.DefaultRequestHeaders.Add("X-Api-Key", AppProcess.ApiKey);
        i.Phones = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 32 }) { BaseAddress = i.App.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
    }

    // From B leaving the rotation until RestartWindow.After seconds after it is back: deliveries are
    // judged by when their event was answered, so the table tells the restart's stall from the night.
    private sealed class RestartWindow
    {
        public const int SlotSeconds = 10;
        public const int After = 30;
        private readonly List<(string What, long At)> _marks = [];
        public long Start { get; set; } = long.MaxValue;
        public long End { get; set; } = long.MaxValue;
        public bool Contains(long at) => at >= Start && at < End;
        public int Slot(long at) => (int)(Stopwatch.GetElapsedTime(Start, at).TotalSeconds / SlotSeconds);
        public void Mark(string what) => _marks.Add((what, Stopwatch.GetTimestamp()));
        public string Describe() => string.Join(", ", _marks.Select(m => string.Create(CultureInfo.InvariantCulture,
            $"{m.What} +{Stopwatch.GetElapsedTime(Start, m.At).TotalSeconds:0} s")).Append($"window until {After} s after"));
    }

    private sealed class Delivery(RestartWindow window)
    {
        public Histogram All { get; } = new();
        public Histogram Steady { get; } = new();
        public Histogram Around { get; } = new();
        public Histogram[] Slots { get; } = [.. Enumerable.Range(0, 18).Select(_ => new Histogram())];

        public void Add(double ms, long answeredAt)
        {
            All.Add(ms);
            if (!window.Contains(answeredAt)) { Steady.Add(ms); return; }
            Around.Add(ms);
            if (window.Slot(answeredAt) is var slot && slot < Slots.Length) Slots[slot].Add(ms);
        }

        public void Clear()
        {
            foreach (var h in Slots.Append(All).Append(Steady).Append(Around)) h.Clear();
        }
    }

    private sealed class RestartResult
    {
        public TimeSpan StoppedIn { get; set; }
        public TimeSpan BackIn { get; set; }
        public int Moved { get; set; }
        public TimeSpan SlowestResume { get; set; }
        public HashSet<int> MovedDashboards { get; } = [];
    }

    // As a load balancer and an orchestrator would: B leaves the rotation, gets SIGTERM and drains;
    // its clients find it gone and reconnect through the balancer, which sends them to A; then B
    // starts again on the same port and rejoins the rotation. A client has resumed when its first
    // message (or first render) from A arrived.
    private static async Task<RestartResult> RestartAsync(Instance b, int index, RestartWindow window, ConcurrentDictionary<int, (long From, long To)> away, string server, Dictionary<string, string> settings,
        ConcurrentDictionary<int, (LightHubClient Client, int Instance)> maps, ConcurrentDictionary<int, (LightHubClient Client, int Instance)> events,
        ConcurrentDictionary<int, (BlazorCircuitClient Client, int Instance)> dashboards,
        Func<int, int, Task> connectMap, Func<int, int, long, Task> connectEvents, Func<int, int, Task> openDashboard, long[] lastSeq)
    {
        var result = new RestartResult();
        b.InRotation = false;
        window.Start = Stopwatch.GetTimestamp();
        await Task.Delay(1_000); // requests already sent to B finish
        var stopping = b.App.StopGracefullyAsync(TimeSpan.FromSeconds(60));
        var lostAt = Stopwatch.GetTimestamp();
        var resumes = new ConcurrentBag<TimeSpan>();
        var moves = new List<Task>();
        foreach (var (m, (client, instance)) in maps.Where(p => p.Value.Instance == index).ToList())
            moves.Add(Task.Run(async () =>
            {
                await client.Completion;
                await client.DisposeAsync();
                await connectMap(m, 0);
                resumes.Add(Stopwatch.GetElapsedTime(lostAt));
            }));
        foreach (var (c, (client, instance)) in events.Where(p => p.Value.Instance == index).ToList())
            moves.Add(Task.Run(async () =>
            {
                await client.Completion;
                await client.DisposeAsync();
                await connectEvents(c, 0, Interlocked.Read(ref lastSeq[c]));
                resumes.Add(Stopwatch.GetElapsedTime(lostAt));
            }));
        foreach (var (d, (client, instance)) in dashboards.Where(p => p.Value.Instance == index).ToList())
        {
            result.MovedDashboards.Add(d);
            moves.Add(Task.Run(async () =>
            {
                while (client.IsConnected) await Task.Delay(50);
                await client.DisposeAsync();
                await Task.Delay(Random.Shared.NextDouble() * client.ReloadSpread); // as the page's reconnect dialog
                await openDashboard(d, 0);
                away[d] = (Math.Min(lostAt, client.LastBatchAt), Stopwatch.GetTimestamp());
                resumes.Add(Stopwatch.GetElapsedTime(lostAt));
            }));
        }
        result.StoppedIn = await stopping;
        window.Mark("B stopped");
        await Task.WhenAll(moves);
        window.Mark("clients moved");
        result.Moved = resumes.Count;
        result.SlowestResume = resumes.IsEmpty ? TimeSpan.Zero : resumes.Max();
        var startedAt = Stopwatch.GetTimestamp();
        // Clients stay where they moved; B takes its share of the ingest again.
        b.App = await AppProcess.StartAsync(server, settings, b.App.Database, b.App.BaseAddress.Port);
        result.BackIn = Stopwatch.GetElapsedTime(startedAt);
        b.InRotation = true;
        window.Mark("B back in rotation");
        window.End = Stopwatch.GetTimestamp() + RestartWindow.After * Stopwatch.Frequency;
        return result;
    }

    private static async Task<(double Mb, long Circuits)[]> HeapAsync(Instance[] instances)
    {
        var readings = new (double, long)[instances.Length];
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(60) };
        for (var n = 0; n < instances.Length; n++)
        {
            using var response = await http.PostAsync(new Uri(instances[n].App.BaseAddress, "diagnostics/heap"), null);
            var reading = await response.EnsureSuccessStatusCode().Content.ReadFromJsonAsync<JsonElement>();
            readings[n] = (reading.GetProperty("heapBytes").GetInt64() / 1048576.0, reading.GetProperty("openCircuits").GetInt64());
        }
        return readings;
    }

    // The seqs of the events a join's answer caught up: {"type":3,…,"result":{"events":[{"seq":…}]}}.
    private static IEnumerable<long> CaughtUpSeqs(string joinResult)
    {
        foreach (var record in joinResult.Split('\u001e', StringSplitOptions.RemoveEmptyEntries))
        {
            if (!record.Contains("\"type\":3", StringComparison.Ordinal)) continue;
            using var doc = JsonDocument.Parse(record);
            if (!doc.RootElement.TryGetProperty("result", out var result) || !result.TryGetProperty("events", out var list)) yield break;
            foreach (var e in list.EnumerateArray()) yield return e.GetProperty("seq").GetInt64();
        }
    }

    private static void InterlockedMax(ref long target, long value)
    {
        for (var seen = Interlocked.Read(ref target); value > seen; seen = Interlocked.Read(ref target))
            if (Interlocked.CompareExchange(ref target, value, seen) == seen) return;
    }
}

// Latencies in whole milliseconds up to a minute, counted without keeping samples: a 30-minute
// soak times tens of millions of deliveries.
internal sealed class Histogram
{
    private readonly long[] _buckets = new long[60_001];
    private long _count;

    public long Count => Interlocked.Read(ref _count);

    public void Add(double ms)
    {
        Interlocked.Increment(ref _buckets[(int)Math.Clamp(ms, 0, _buckets.Length - 1)]);
        Interlocked.Increment(ref _count);
    }

    public void Clear()
    {
        Array.Clear(_buckets);
        Interlocked.Exchange(ref _count, 0);
    }

    public double Percentile(double q)
    {
        var count = Count;
        if (count == 0) return double.NaN;
        var rank = (long)Math.Ceiling(q * count);
        long seen = 0;
        for (var ms = 0; ms < _buckets.Length; ms++)
            if ((seen += Interlocked.Read(ref _buckets[ms])) >= rank) return ms;
        return _buckets.Length - 1;
    }
}
