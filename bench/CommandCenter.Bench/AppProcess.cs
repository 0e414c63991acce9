using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace CommandCenter.Bench;

// A fresh database and the built app as a separate Kestrel process on a free loopback port.
internal sealed class AppProcess : IAsyncDisposable
{
    // Seeded by the app at start (Access:DemoApiKey): the bench posts batches and registers units with it.
    public const string ApiKey = "cc_bench_BenchmarkKey00000000000000000";

    // The demo accounts' password (Access:DemoPassword): the dispatch bench signs in as "dispatcher".
    public const string DemoPassword = "Bench#Passw0rd";

    // The app of the bench's own build: the newest of any build would silently be Debug after a
    // test run, and a Debug app measures the JIT's unoptimised code, not the app.
#if DEBUG
    private const string Configuration = "Debug";
#else
    private const string Configuration = "Release";
#endif

    // The apps still running: a bench stopped by Ctrl+C or SIGTERM takes them with it, instead of
    // leaving instances on the shared cores to skew the next run. (SIGKILL leaves them; nothing can.)
    private static readonly ConcurrentDictionary<int, Process> Running = new();

    static AppProcess()
    {
        AppDomain.CurrentDomain.ProcessExit += (_, _) => KillRunning();
        Console.CancelKeyPress += (_, _) => KillRunning();
    }

    private static void KillRunning()
    {
        foreach (var process in Running.Values)
        {
            try
            {
                process.Kill(entireProcessTree: true);
            }
            catch (Exception ex) when (ex is InvalidOperationException or System.ComponentModel.Win32Exception)
            {
                // already gone
            }
        }
    }

    private readonly Process _process;
    private readonly string _server;
    private readonly bool _ownsDatabase;

    private AppProcess(Process process, string server, string database, Uri baseAddress, bool ownsDatabase)
    {
        _process = process;
        _server = server;
        Database = database;
        BaseAddress = baseAddress;
        _ownsDatabase = ownsDatabase;
    }

    // `--app DIR`: run the app published there (as the image does: ReadyToRun, Dockerfile) instead
    // of the solution's build.
    public static string? Published { get; set; }

    public int ProcessId => _process.Id;

    public string Database { get; }
    public Uri BaseAddress { get; }
    public string ConnectionString => new NpgsqlConnectionStringBuilder(_server) { Database = Database, MaxPoolSize = 50 }.ConnectionString;

    // A second instance (or the same one restarted) joins `database` when given; `port` 0 picks one.
    public static async Task<AppProcess> StartAsync(string server, IReadOnlyDictionary<string, string>? settings = null, string? database = null, int port = 0)
    {
        var ownsDatabase = database is null;
        database ??= $"cc_bench_{Guid.NewGuid():N}"[..24];
        if (ownsDatabase)
        {
            await using var admin = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(server) { Database = "postgres", Pooling = false }.ConnectionString);
            await admin.OpenAsync();
            await using var cmd = new NpgsqlCommand($"CREATE DATABASE \"{database}\" TEMPLATE template1", admin);
            await cmd.ExecuteNonQueryAsync();
        }
        var root = RepoRoot();
        var project = Published ?? Path.Combine(root, "src", "CommandCenter.Web");
        var dll = Published is null ? Path.Combine(project, "bin", Configuration, "net10.0", "CommandCenter.Web.dll") : Path.Combine(Published, "CommandCenter.Web.dll");
        if (!File.Exists(dll))
        {
            throw new FileNotFoundException(Published is null
                ? $"Build the solution first (dotnet build -c {Configuration} CommandCenter.sln): {dll} not found."
                : $"Publish the app into {Published} first (bench/README.md): {dll} not found.");
        }
        Console.WriteLine($"App: {Path.GetRelativePath(root, dll)}");
        if (port == 0)
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            port = ((IPEndPoint)listener.LocalEndpoint).Port;
            listener.Stop();
        }
        var baseAddress = new Uri($"http://127.0.0.1:{port}/");
        var start = new ProcessStartInfo("dotnet", [dll, "--urls", baseAddress.ToString().TrimEnd('/')])
        {
            WorkingDirectory = project,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            Environment =
            {
                // Not "Production": there the app refuses to start with demo accounts and the demo
                // key (ProductionGuard), which the bench needs; nor "Development" and its extras.
                ["ASPNETCORE_ENVIRONMENT"] = "Benchmark",
                ["ConnectionStrings__CommandCenter"] = new NpgsqlConnectionStringBuilder(server) { Database = database }.ConnectionString,
                ["Demo__Enabled"] = "false",
                ["Logging__LogLevel__Default"] = "Warning",
                ["Access__SeedDemoUsers"] = "true",
                ["Access__DemoPassword"] = DemoPassword,
                ["Access__DemoApiKey"] = ApiKey,
                // The bench measures ingest, not throttling: one key and a few devices post far
                // beyond the real allowances (the limiters still run for every request).
                ["RateLimits__OsmAndPerDevice"] = "1000000000",
                ["RateLimits__ApiPerKey"] = "1000000000",
                // POST /diagnostics/heap: the managed heap after a full collection (ServerMemory.cs).
                ["Diagnostics__HeapEndpoint"] = "true",
                // A published app runs from its own folder, away from the repository's GIS files.
                ["Grid__DataFolder"] = Path.Combine(root, "gis-data"),
            },
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string>()) start.Environment[key] = value;
        var process = Process.Start(start)!;
        Running[process.Id] = process;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) Console.Error.WriteLine($"  app: {e.Data}"); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var app = new AppProcess(process, server, database, baseAddress, ownsDatabase);
        using var http = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (DateTime.UtcNow < deadline)
        {
            if (process.HasExited) throw new InvalidOperationException($"The app exited with {process.ExitCode}.");
            try
            {
                if ((await http.GetAsync("health/ready")).StatusCode == HttpStatusCode.OK) return app;
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                // not yet listening
            }
            await Task.Delay(250);
        }
        await app.DisposeAsync();
        throw new TimeoutException("The app did not become ready in 90 s.");
    }

    public bool HasExited => _process.HasExited;

    // As an orchestrator stops an instance: SIGTERM, then the host's own shutdown (the position
    // queue drains within Patrol:DrainGrace); killed if it has not ended within `grace`.
    public async Task<TimeSpan> StopGracefullyAsync(TimeSpan grace)
    {
        var began = Stopwatch.GetTimestamp();
        using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])!) await kill.WaitForExitAsync();
        using var timeout = new CancellationTokenSource(grace);
        try
        {
            await _process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        return Stopwatch.GetElapsedTime(began);
    }

    public async ValueTask DisposeAsync()
    {
        Running.TryRemove(_process.Id, out _);
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
        if (!_ownsDatabase) return;
        NpgsqlConnection.ClearAllPools();
        await using var admin = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(_server) { Database = "postgres", Pooling = false }.ConnectionString);
        await admin.OpenAsync();
        await using var cmd = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{Database}\" WITH (FORCE)", admin);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await cmd.ExecuteNonQueryAsync();
                return;
            }
            catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.InsufficientPrivilege && attempt < 10)
            {
                await Task.Delay(1_000); // an autovacuum worker, which FORCE may not end, is still in it
            }
        }
    }

    public static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "CommandCenter.sln"))) return dir.FullName;
        throw new DirectoryNotFoundException("CommandCenter.sln not found above the bench binaries.");
    }
}
