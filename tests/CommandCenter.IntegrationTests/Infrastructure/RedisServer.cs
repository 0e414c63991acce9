using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace CommandCenter.IntegrationTests.Infrastructure;

// A throwaway redis-server on a free loopback port, without persistence, stopped on dispose; an
// outage test stops it and starts it again on the same port.
public sealed class RedisServer : IAsyncDisposable
{
    private readonly string _executable;
    private Process _process;

    private RedisServer(string executable, Process process, int port)
    {
        _executable = executable;
        _process = process;
        Port = port;
    }

    public int Port { get; }

    public string ConnectionString => $"127.0.0.1:{Port}";

    // Null when redis-server is not on PATH, so a test can skip saying why.
    public static async Task<RedisServer?> StartAsync(CancellationToken ct)
    {
        var executable = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator)
            .Select(dir => Path.Combine(dir, "redis-server")).FirstOrDefault(File.Exists);
        if (executable is null) return null;
        var port = FreePort();
        var server = new RedisServer(executable, Launch(executable, port), port);
        await server.ReadyAsync(ct);
        return server;
    }

    private static Process Launch(string executable, int port)
    {
        var start = new ProcessStartInfo(executable)
        {
            ArgumentList = { "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--daemonize", "no" },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        var process = Process.Start(start) ?? throw new InvalidOperationException("redis-server did not start.");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    // Ready once it answers PING.
    private async Task ReadyAsync(CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(20));
        while (!await AnswersPingAsync(timeout.Token))
        {
            if (_process.HasExited) throw new InvalidOperationException($"redis-server exited with {_process.ExitCode}.");
            await Task.Delay(50, timeout.Token);
        }
    }

    // As a crash would: every connection cut at once.
    public async Task StopAsync()
    {
        if (_process.HasExited) return;
        _process.Kill();
        await _process.WaitForExitAsync();
    }

    public async Task StartAgainAsync(CancellationToken ct)
    {
        await StopAsync();
        _process.Dispose();
        _process = Launch(_executable, Port);
        await ReadyAsync(ct);
    }

    private async Task<bool> AnswersPingAsync(CancellationToken ct)
    {
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync(IPAddress.Loopback, Port, ct);
            var stream = client.GetStream();
            await stream.WriteAsync("PING\r\n"u8.ToArray(), ct);
            var buffer = new byte[7];
            var read = await stream.ReadAsync(buffer, ct);
            return read >= 5 && System.Text.Encoding.ASCII.GetString(buffer, 0, read).StartsWith("+PONG", StringComparison.Ordinal);
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }
}
