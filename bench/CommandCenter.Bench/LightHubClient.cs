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
    private static readonly byte[] Target = "\"target\":\"ReceivePositions\""u8.ToArray();
    private static readonly byte[] SeqProperty = "\"seq\":"u8.ToArray();
    private static readonly byte[] Ping = Encoding.UTF8.GetBytes("{\"type\":6}\u001e");

    private readonly ClientWebSocket _socket;
    private readonly CancellationTokenSource _stop = new();
    private readonly Action<long, long> _onMessage;
    private readonly Task _receiving;
    private readonly Task _pinging;

    private LightHubClient(ClientWebSocket socket, Action<long, long> onMessage)
    {
        _socket = socket;
        _onMessage = onMessage;
        _receiving = Task.Run(ReceiveLoopAsync);
        _pinging = Task.Run(PingLoopAsync);
    }

    // onMessage(seq, Stopwatch timestamp when the message had arrived whole).
    public static async Task<LightHubClient> ConnectAsync(HttpClient http, Uri hubUrl, string apiKey, string? join, Action<long, long> onMessage, CancellationToken ct)
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
        await ReadUntilAsync(socket, "\u001e", ct); // the handshake's "{}"
        if (join is not null)
        {
            await SendAsync(socket, $"{{\"type\":1,\"invocationId\":\"1\",\"target\":\"{join}\",\"arguments\":[]}}\u001e", ct);
            // Until the join's completion (type 3); messages around it belong to no run.
            await ReadUntilAsync(socket, "\"type\":3", ct);
        }
        return new LightHubClient(socket, onMessage);
    }

    private static Task SendAsync(ClientWebSocket socket, string text, CancellationToken ct) =>
        socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, true, ct);

    // Until `marker` has arrived: the transport may put several records in one frame.
    private static async Task ReadUntilAsync(ClientWebSocket socket, string marker, CancellationToken ct)
    {
        var buffer = new byte[64 * 1024];
        var text = new StringBuilder();
        while (true)
        {
            var result = await socket.ReceiveAsync(buffer, ct);
            if (result.MessageType == WebSocketMessageType.Close) throw new WebSocketException("closed before the hub answered");
            text.Append(Encoding.UTF8.GetString(buffer, 0, result.Count)); // the markers are ASCII
            if (text.ToString().Contains(marker, StringComparison.Ordinal)) return;
        }
    }

    private async Task ReceiveLoopAsync()
    {
        var buffer = new byte[256 * 1024];
        var length = 0;
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                if (length == buffer.Length) Array.Resize(ref buffer, buffer.Length * 2);
                var result = await _socket.ReceiveAsync(buffer.AsMemory(length), _stop.Token);
                if (result.MessageType == WebSocketMessageType.Close) return;
                length += result.Count;
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
    }

    private void Read(ReadOnlySpan<byte> record, long receivedAt)
    {
        if (record.IndexOf(Target) < 0) return;
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
