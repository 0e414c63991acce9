using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text;

namespace CommandCenter.Bench;

// Memory per connected dashboard: real Blazor circuits of a page (BlazorCircuitClient), opened in
// steps, and the server's managed heap after a full collection (POST /diagnostics/heap) against
// the heap with none open. With the last step open, one new incident through the API: how many of
// the dashboards drew it. Then all are closed as a browser tab closes, and the heap must come back.
//   CommandCenter.Bench --circuits [--page /,/wall] [--steps 100,250,500,1000] [--user duty] [--hold 0]
//   --hold N keeps the last step open N more seconds, e.g. for dotnet-gcdump of the app.
internal static class CircuitBench
{
    public const string Argument = "--circuits";
    private const double TargetKb = 150;
    private const int Parallel = 8;

    public static async Task RunAsync(string[] args, string server)
    {
        string Get(string name, string fallback) => Array.IndexOf(args, $"--{name}") is var i && i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
        var pages = Get("page", "/").Split(',', StringSplitOptions.RemoveEmptyEntries);
        var steps = Get("steps", "100,250,500,1000").Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).Order().ToArray();
        var user = Get("user", "duty");
        var hold = int.Parse(Get("hold", "0"), CultureInfo.InvariantCulture);
        Console.WriteLine($"Circuit bench: {string.Join(", ", pages)} as {user}, steps {string.Join(", ", steps)}; {Environment.ProcessorCount} cores");

        await using var app = await AppProcess.StartAsync(server);
        using var api = new HttpClient { BaseAddress = app.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        api.DefaultRequestHeaders.Add("X-Api-Key", AppProcess.ApiKey);
        var cookies = await BlazorCircuitClient.SignInAsync(app.BaseAddress, user);

        var table = new StringBuilder();
        table.AppendLine("| page | circuits | connected | heap MB | KB per circuit | target ≤ 150 KB |");
        table.AppendLine("|---|---:|---:|---:|---:|---|");
        var notes = new List<string>();
        foreach (var page in pages)
        {
            var probe = new Probe(steps[^1]);
            // Warm up: the page's code paths, caches and pools, so the baseline holds them too.
            var warm = await OpenAsync(app.BaseAddress, page, cookies, probe, 0, 20);
            await CloseAsync(warm);
            await WaitForNoCircuitsAsync(api);
            var baseline = await HeapAsync(api);
            Console.WriteLine($"{page}: baseline heap {Mb(baseline.HeapBytes)} MB");

            var open = new List<BlazorCircuitClient>();
            foreach (var step in steps)
            {
                var timer = Stopwatch.StartNew();
                open.AddRange(await OpenAsync(app.BaseAddress, page, cookies, probe, open.Count, step - open.Count));
                var opened = timer.Elapsed;
                await Task.Delay(TimeSpan.FromSeconds(5)); // renders after the first: data loaded, JS answered
                var heap = await HeapAsync(api);
                var connected = open.Count(c => c.IsConnected);
                var perKb = heap.OpenCircuits == 0 ? 0 : (heap.HeapBytes - baseline.HeapBytes) / 1024.0 / heap.OpenCircuits;
                Console.WriteLine($"{page}: {open.Count} opened in {opened.TotalSeconds:F1} s, {connected} connected, server counts {heap.OpenCircuits}; " +
                    $"heap {Mb(heap.HeapBytes)} MB, {perKb:F0} KB per circuit, {open.Sum(c => c.Batches)} batches, {open.Sum(c => c.JsCalls)} JS calls");
                table.AppendLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {page} | {heap.OpenCircuits} | {connected} | {Mb(heap.HeapBytes)} | {perKb:F0} | {(perKb <= TargetKb ? "PASS" : "FAIL")} |"));
            }
            if (hold > 0)
            {
                Console.WriteLine($"{page}: holding {open.Count} circuits open for {hold} s (app pid {app.ProcessId})");
                await Task.Delay(TimeSpan.FromSeconds(hold));
            }
            foreach (var error in open.Where(c => c.Error is not null).Select(c => c.Error).Distinct().Take(3)) Console.WriteLine($"  circuit error: {error}");

            // Live: one new incident, and which of the open dashboards drew its title.
            var title = $"Circuit probe {Guid.NewGuid():N}"[..30];
            probe.Arm(Encoding.UTF8.GetBytes(title));
            var posted = Stopwatch.GetTimestamp();
            (await api.PostAsJsonAsync("api/incidents", new { type = "fire", latitude = 30.25, longitude = 120.17, title })).EnsureSuccessStatusCode();
            var live = open.Count(c => c.IsConnected);
            var deadline = DateTime.UtcNow.AddSeconds(10);
            while (probe.Seen < live && DateTime.UtcNow < deadline) await Task.Delay(100);
            var delays = probe.DelaysMs(posted);
            var shown = $"{page}: {delays.Count} of {open.Count} dashboards showed the new incident within 10 s" +
                (delays.Count > 0 ? string.Create(CultureInfo.InvariantCulture, $" (median {Measure.Percentile(delays, 0.5):F0} ms, p99 {Measure.Percentile(delays, 0.99):F0} ms after the POST began)") : "");
            Console.WriteLine(shown);
            notes.Add(shown);

            var closing = Stopwatch.StartNew();
            await CloseAsync(open);
            var closed = await WaitForNoCircuitsAsync(api);
            var after = await HeapAsync(api);
            var change = (after.HeapBytes - baseline.HeapBytes) * 100.0 / baseline.HeapBytes;
            var released = string.Create(CultureInfo.InvariantCulture,
                $"{page}: after disconnect: {(closed ? "no circuits open" : $"{after.OpenCircuits} circuits still open")} {closing.Elapsed.TotalSeconds:F1} s after closing began; " +
                $"heap {Mb(after.HeapBytes)} MB vs baseline {Mb(baseline.HeapBytes)} MB ({change:+0.0;-0.0} %, target within 10 %: {(Math.Abs(change) <= 10 ? "PASS" : "FAIL")})");
            Console.WriteLine(released);
            notes.Add(released);
            // Kestrel's block pool and the shared array pool (render trees rent from it) give memory
            // back on timers, not at once: the array pool drops what lay unused for a minute at a
            // full collection. Read again every 30 s for up to 3 minutes.
            for (var waited = 30; Math.Abs(change) > 10 && waited <= 180; waited += 30)
            {
                await Task.Delay(TimeSpan.FromSeconds(30));
                var later = await HeapAsync(api);
                change = (later.HeapBytes - baseline.HeapBytes) * 100.0 / baseline.HeapBytes;
                var laterNote = string.Create(CultureInfo.InvariantCulture,
                    $"{page}: {waited} s later: heap {Mb(later.HeapBytes)} MB ({change:+0.0;-0.0} % vs baseline; within 10 %: {(Math.Abs(change) <= 10 ? "PASS" : "FAIL")})");
                Console.WriteLine(laterNote);
                notes.Add(laterNote);
            }
        }
        Console.WriteLine();
        Console.Write(table);
        Console.WriteLine();
        foreach (var note in notes) Console.WriteLine($"- {note}");
    }

    private static async Task<List<BlazorCircuitClient>> OpenAsync(Uri baseAddress, string page, System.Net.CookieContainer cookies, Probe probe, int first, int count)
    {
        var clients = new BlazorCircuitClient?[count];
        var failures = 0;
        string? firstFailure = null;
        await System.Threading.Tasks.Parallel.ForAsync(0, count, new ParallelOptions { MaxDegreeOfParallelism = Parallel }, async (i, ct) =>
        {
            var index = first + i;
            try
            {
                clients[i] = await BlazorCircuitClient.ConnectAsync(baseAddress, page, cookies, (batch, at) => probe.Check(index, batch.Span, at), ct);
            }
            catch (Exception ex) when (ex is InvalidOperationException or HttpRequestException or TimeoutException or IOException
                or System.Net.WebSockets.WebSocketException or Microsoft.AspNetCore.SignalR.HubException)
            {
                Interlocked.Increment(ref failures);
                Interlocked.CompareExchange(ref firstFailure, ex.Message, null);
            }
        });
        if (failures > 0) Console.WriteLine($"  {failures} of {count} circuits failed to open: {firstFailure}");
        return [.. clients.OfType<BlazorCircuitClient>()];
    }

    private static async Task CloseAsync(List<BlazorCircuitClient> clients) =>
        await System.Threading.Tasks.Parallel.ForEachAsync(clients, new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (c, _) => await c.DisposeAsync());

    // true once the server counts no open circuit; false after a minute.
    private static async Task<bool> WaitForNoCircuitsAsync(HttpClient api)
    {
        var deadline = DateTime.UtcNow.AddMinutes(1);
        while (DateTime.UtcNow < deadline)
        {
            if ((await HeapAsync(api)).OpenCircuits == 0) return true;
            await Task.Delay(500);
        }
        return false;
    }

    private static async Task<HeapReading> HeapAsync(HttpClient api)
    {
        using var response = await api.PostAsync("diagnostics/heap", null);
        return (await response.EnsureSuccessStatusCode().Content.ReadFromJsonAsync<HeapReading>())!;
    }

    private static string Mb(long bytes) => (bytes / 1048576.0).ToString("F1", CultureInfo.InvariantCulture);

    private sealed record HeapReading(long HeapBytes, long CommittedBytes, long WorkingSetBytes, long OpenCircuits, int Gen2Collections);

    // Which dashboards drew a string, and when: a render batch's string table holds it as UTF-8.
    private sealed class Probe(int capacity)
    {
        private readonly long[] _seenAt = new long[capacity];
        private volatile byte[]? _needle;
        private int _seen;

        public int Seen => Volatile.Read(ref _seen);

        public void Arm(byte[] needle) => _needle = needle;

        public void Check(int index, ReadOnlySpan<byte> batch, long at)
        {
            if (_needle is not { } needle || index >= _seenAt.Length || Volatile.Read(ref _seenAt[index]) != 0 || batch.IndexOf(needle) < 0) return;
            if (Interlocked.CompareExchange(ref _seenAt[index], at, 0) == 0) Interlocked.Increment(ref _seen);
        }

        public List<double> DelaysMs(long since) =>
            [.. _seenAt.Where(t => t != 0).Select(t => Stopwatch.GetElapsedTime(since, t).TotalMilliseconds)];
    }
}
