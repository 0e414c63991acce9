using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Npgsql;

namespace CommandCenter.EndToEndTests;

// The real app as a separate process on a free loopback port, on its own fresh PostGIS
// database, started from its project folder exactly as scripts/run.sh does.
public sealed class RunningApp : IAsyncDisposable
{
    private static readonly string Server = Environment.GetEnvironmentVariable("CC_TEST_PG")
        ?? "Host=127.0.0.1;Port=55432;Username=commandcenter;Password=commandcenter";

    public const string DemoPassword = "E2e#Passw0rd";
    public const string DemoApiKey = "cc_e2etest_EndToEndTestKey000000000";

    private Process? _process;
    private readonly StringBuilder _log = new();
    private readonly IReadOnlyDictionary<string, string> _settings;

    private readonly bool _demo;

    private RunningApp(string database, int port, IReadOnlyDictionary<string, string> settings, bool demo)
    {
        Database = database;
        Port = port;
        _settings = settings;
        _demo = demo;
    }

    public string Database { get; }
    public int Port { get; }
    public Uri BaseAddress => new($"http://127.0.0.1:{Port}/");
    public string Log { get { lock (_log) return _log.ToString(); } }
    public string ConnectionString => new NpgsqlConnectionStringBuilder(Server) { Database = Database }.ConnectionString;

    public static string RepoRoot
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "CommandCenter.sln"))) return dir.FullName;
            throw new DirectoryNotFoundException("CommandCenter.sln not found above the test binaries.");
        }
    }

    // settings: extra app settings as environment variables (e.g. "Wall__StaleAfter"); demo: the demo feeds.
    public static async Task<RunningApp> StartAsync(IReadOnlyDictionary<string, string>? settings = null, bool demo = false)
    {
        var database = $"cc_e2e_{Guid.NewGuid():N}"[..22];
        await using (var admin = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(Server) { Database = "postgres", Pooling = false }.ConnectionString))
        {
            await admin.OpenAsync();
            await using var cmd = new NpgsqlCommand($"CREATE DATABASE \"{database}\" TEMPLATE template1", admin);
            await cmd.ExecuteNonQueryAsync();
        }
        var app = new RunningApp(database, FreePort(), settings ?? new Dictionary<string, string>(), demo);
        await app.StartProcessAsync();
        return app;
    }

    public async Task StartProcessAsync()
    {
        var project = Path.Combine(RepoRoot, "src", "CommandCenter.Web");
#if DEBUG
        const string configuration = "Debug";
#else
        const string configuration = "Release";
#endif
        var dll = Path.Combine(project, "bin", configuration, "net10.0", "CommandCenter.Web.dll");
        var start = new ProcessStartInfo("dotnet", [dll, "--urls", BaseAddress.ToString().TrimEnd('/')])
        {
            WorkingDirectory = project,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            Environment =
            {
                ["ASPNETCORE_ENVIRONMENT"] = "Development",
                ["ConnectionStrings__CommandCenter"] = ConnectionString,
                ["Demo__Enabled"] = _demo ? "true" : "false",
                ["Live__PollInterval"] = "00:00:01",
                ["Access__SeedDemoUsers"] = "true",
                ["Access__DemoPassword"] = DemoPassword,
                ["Access__DemoApiKey"] = DemoApiKey,
                // The tests read the map's layers through map/debug.js.
                ["Map__DebugHooks"] = "true",
                // Plans start by rule only where a test asks for it (PlanTests).
                ["Plans__RulesEnabled"] = "false",
            },
        };
        foreach (var (key, value) in _settings) start.Environment[key] = value;
        _process = Process.Start(start)!;
        _process.OutputDataReceived += (_, e) => { lock (_log) _log.AppendLine(e.Data); };
        _process.ErrorDataReceived += (_, e) => { lock (_log) _log.AppendLine(e.Data); };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();

        using var http = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited) throw new InvalidOperationException($"The app exited with {_process.ExitCode}:\n{Log}");
            try
            {
                if ((await http.GetAsync("health/ready")).StatusCode == HttpStatusCode.OK) return;
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                // not listening yet
            }
            await Task.Delay(250);
        }
        throw new TimeoutException($"The app did not become ready in 90 s:\n{Log}");
    }

    public async Task StopProcessAsync()
    {
        if (_process is null || _process.HasExited) return;
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await StopProcessAsync();
        _process?.Dispose();
        NpgsqlConnection.ClearAllPools();
        await using var admin = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(Server) { Database = "postgres", Pooling = false }.ConnectionString);
        await admin.OpenAsync();
        await using var cmd = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{Database}\" WITH (FORCE)", admin);
        await cmd.ExecuteNonQueryAsync();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
