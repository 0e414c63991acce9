using System.Buffers.Text;
using System.Diagnostics;
using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;

namespace CommandCenter.Bench;

// A map client that costs the bench little: SignalR's JSON protocol over a bare WebSocket, reading
// of each ReceivePositions message only its seq and the moment its last byte arrived. A thousand
// HubConnections that parse every unit took both cores of the machine they measured, so the
// clients, not the server, set the latency. Which fixes a seq carried is learned once, by one full
// client (Latency.MeasureAsync).
internal sealed class LightHubClient : IAsyncDisposable
{
    private const byte RecordSeparator = 0x1e;
    private static readonly byte[] SeqProperty = "\"seq\":"u8.ToArray();
    private static readonly byte[] Ping = Encoding.UTF8.GetBytes("{\"type\":6}\u001e");

    private readonly ClientWebSocket _socket;
    private readonly CancellationTokenSource _stop = new();
    private readonly Action<long, long> _onMessage;
    private readonly byte[] _target;
    private readonly Task _receiving;
    private readonly Task _pinging;

    private readonly byte[] _pending;

    private LightHubClient(ClientWebSocket socket, Action<long, long> onMessage, string target, string joinResult, byte[] pending)
    {
        JoinResult = joinResult;
        _pending = pending;
        _socket = socket;
        _onMessage = onMessage;
        _target = Encoding.UTF8.GetBytes($"\"target\":\"{target}\"");
        _receiving = Task.Run(ReceiveLoopAsync);
        _pinging = Task.Run(PingLoopAsync);
    }

    // What the server sent up to the join's completion (its result: a snapshot or a catch-up).
    public string JoinResult { get; }

    // Ended when the server closed the connection or it broke (an instance went away), or on dispose.
    public Task Completion => _receiving;

    // onMessage(seq, Stopwatch timestamp when the message had arrived whole) for each message of
    // `target`; `joinArguments`: the join invocation's arguments as JSON array items.
    public static async Task<LightHubClient> ConnectAsync(HttpClient http, Uri hubUrl, string apiKey, string? join, Action<long, long> onMessage, CancellationToken ct,
        string target = "ReceivePositions", string joinArguments = "")
    {
        using var negotiate = new HttpRequestMessage(HttpMethod.Post, new Uri(hubUrl + "/negotiate?negotiateVersion=1"));
        negotiate.Headers.Add("X-Api-Key", apiKey);
        using var response = await http.SendAsync(negotiate, ct);
        response.EnsureSuccessStatusCode();
        var token = (await response.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("connectionToken").GetString();

        var socket = new ClientWebSocket();
        socket.Options.SetRequestHeader("X-Api-Key", apiKey);
        var ws = new UriBuilder(hubUrl) { Scheme = hubUrl.Scheme == "https" ? "wss" : "ws", Query = $"id={Uri.EscapeDataString(token!)}" }.Uri;
        await socket.ConnectAsync(ws, ct);
        await SendAsync(socket, "{\"protocol\":\"json\",\"version\":1}\u001e", ct);
        var (_, rest) = await ReadUntilAsync(socket, [], "\u001e"u8.ToArray(), ct); // the handshake's "{}"
        var joinResult = "";
        if (join is not null)
        {
            await SendAsync(socket, $"{{\"type\":1,\"invocationId\":\"1\",\"target\":\"{join}\",\"arguments\":[{joinArguments}]}}\u001e", ct);
            // Until the join's completion (type 3); messages before it belong to no run, those
            // after it in the same frame go to the receive loop.
            (joinResult, rest) = await ReadUntilAsync(socket, rest, "\"type\":3"u8.ToArray(), ct);
        }
        return new LightHubClient(socket, onMessage, target, joinResult, rest);
    }

    private static Task SendAsync(ClientWebSocket socket, string text, CancellationToken ct) =>
        socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, true, ct);

    // Until a whole record holding `marker` has arrived: the records up to it as text, and the
    // bytes after it (the transport may put several records in one frame).
    private static async Task<(string Text, byte[] Remainder)> ReadUntilAsync(ClientWebSocket socket, byte[] already, byte[] marker, CancellationToken ct)
    {
        var buffer = new byte[64 * 1024];
        var received = new List<byte>(already);
        var scanned = 0;
        while (true)
        {
            var records = received.ToArray();
            for (int end; (end = Array.IndexOf(records, RecordSeparator, scanned)) >= 0; scanned = end + 1)
                if (records.AsSpan(scanned, end - scanned).IndexOf(marker) >= 0 || marker is [RecordSeparator])
                    return (Encoding.UTF8.GetString(records, 0, end + 1), records[(end + 1)..]);
            var result = await socket.ReceiveAsync(buffer, ct);
            if (result.MessageType == WebSocketMessageType.Close) throw new WebSocketException("closed before the hub answered");
            received.AddRange(buffer.AsSpan(0, result.Count));
        }
    }

    private async Task ReceiveLoopAsync()
    {
        var buffer = new byte[Math.Max(256 * 1024, _pending.Length * 2)];
        _pending.CopyTo(buffer, 0);
        var length = _pending.Length;
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                if (length == buffer.Length) Array.Resize(ref buffer, buffer.Length * 2);
                if (length == 0 || buffer.AsSpan(0, length).IndexOf(RecordSeparator) < 0)
                {
                    var result = await _socket.ReceiveAsync(buffer.AsMemory(length), _stop.Token);
                    if (result.MessageType == WebSocketMessageType.Close) return;
                    length += result.Count;
                }
                var now = Stopwatch.GetTimestamp();
                var start = 0;
                while (buffer.AsSpan(start, length - start).IndexOf(RecordSeparator) is var end and >= 0)
                {
                    Read(buffer.AsSpan(start, end), now);
                    start += end + 1;
                }
                if (start > 0)
                {
                    buffer.AsSpan(start, length - start).CopyTo(buffer);
                    length -= start;
                }
            }
        }
        catch (Exception) when (_stop.IsCancellationRequested)
        {
            // disposed
        }
        catch (WebSocketException)
        {
            // the server went away: Completion tells the caller
        }
    }

    private void Read(ReadOnlySpan<byte> record, long receivedAt)
    {
        if (record.IndexOf(_target) < 0) return;
        var at = record.IndexOf(SeqProperty);
        if (at >= 0 && Utf8Parser.TryParse(record[(at + SeqProperty.Length)..], out long seq, out _)) _onMessage(seq, receivedAt);
    }

    // The server drops a client it has not heard from for 30 s.
    private async Task PingLoopAsync()
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(10));
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token)) await _socket.SendAsync(Ping, WebSocketMessageType.Text, true, _stop.Token);
        }
        catch (Exception) when (_stop.IsCancellationRequested)
        {
            // disposed
        }
        catch (Exception ex) when (ex is WebSocketException or ObjectDisposedException)
        {
            // the server went away
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            if (_socket.State == WebSocketState.Open) await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
        }
        catch (WebSocketException)
        {
            // the server went first
        }
        await Task.WhenAll(_receiving, _pinging);
        _socket.Dispose();
        _stop.Dispose();
    }
}
