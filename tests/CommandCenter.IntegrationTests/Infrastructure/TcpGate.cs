using System.Net;
using System.Net.Sockets;

namespace CommandCenter.IntegrationTests.Infrastructure;

// A loopback TCP relay in front of a server that a test can shut and open: shut, it cuts every
// relayed connection and closes new ones at once, as a database host going away would look to
// the app; the real server (shared by other tests) stays up.
public sealed class TcpGate : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly string _host;
    private readonly int _port;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<TcpClient> _open = [];
    private readonly Task _accepting;
    private volatile bool _shut;

    private TcpGate(string host, int port)
    {
        (_host, _port) = (host, port);
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public static TcpGate Start(string host, int port) => new(host, port);

    // An app instance whose only way to its database is through a gate (short connect timeout);
    // on a real Kestrel port when asked (what posts to the app's own address needs one).
    public static async Task<(TcpGate Gate, AppFactory App)> AppBehindAsync(TestDatabase database, Action<Microsoft.AspNetCore.Hosting.IWebHostBuilder>? configure = null,
        bool realServer = false)
    {
        var server = new Npgsql.NpgsqlConnectionStringBuilder(database.ConnectionString);
        var gate = Start(server.Host!, server.Port);
        var app = new AppFactory(new Npgsql.NpgsqlConnectionStringBuilder(database.ConnectionString) { Host = "127.0.0.1", Port = gate.Port, Timeout = 3 }.ConnectionString, configure);
        if (realServer) app.UseRealServer();
        await app.StartedAsync();
        return (gate, app);
    }

    public void Shut()
    {
        _shut = true;
        lock (_open)
        {
            foreach (var client in _open) client.Dispose();
            _open.Clear();
        }
    }

    public void Open() => _shut = false;

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient inbound;
            try
            {
                inbound = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }
            if (_shut)
            {
                inbound.Dispose();
                continue;
            }
            _ = RelayAsync(inbound);
        }
    }

    private async Task RelayAsync(TcpClient inbound)
    {
        var outbound = new TcpClient();
        lock (_open)
        {
            _open.Add(inbound);
            _open.Add(outbound);
        }
        try
        {
            await outbound.ConnectAsync(_host, _port, _stop.Token);
            using var cut = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
            var a = inbound.GetStream().CopyToAsync(outbound.GetStream(), cut.Token);
            var b = outbound.GetStream().CopyToAsync(inbound.GetStream(), cut.Token);
            await Task.WhenAny(a, b);
            await cut.CancelAsync();
        }
        catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or ObjectDisposedException or InvalidOperationException)
        {
            // One side went away (or the gate was shut): the other goes too.
        }
        finally
        {
            inbound.Dispose();
            outbound.Dispose();
            lock (_open)
            {
                _open.Remove(inbound);
                _open.Remove(outbound);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        Shut();
        await _accepting;
        _stop.Dispose();
    }
}
