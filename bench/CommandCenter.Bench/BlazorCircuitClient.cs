using System.Buffers;
using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.AspNetCore.SignalR.Protocol;
using Microsoft.Extensions.DependencyInjection;

namespace CommandCenter.Bench;

// A Blazor Server circuit without a browser: what blazor.web.js does for an interactive page, and no
// more. It reads the page's root component markers, opens /_blazor, starts the circuit, adds the
// roots (UpdateRootComponents), acknowledges every render batch and answers every JS call — a
// module import or anything else that wants an object gets a fresh JS object id, the rest null.
// Render batches are not parsed, only counted and handed on: a thousand of these share the
// bench's cores with the server they measure.
internal sealed partial class BlazorCircuitClient : IAsyncDisposable
{
    private static readonly TimeSpan FirstRenderTimeout = TimeSpan.FromSeconds(60);

    // Page reads and the disconnect beacon, for every circuit: the cookie goes in by hand.
    private static readonly HttpClient Http = new(new SocketsHttpHandler { UseCookies = false, AllowAutoRedirect = false, MaxConnectionsPerServer = 64 })
    {
        Timeout = TimeSpan.FromSeconds(60),
    };

    // JS object ids only need to be unique within a circuit; one counter for all is simpler.
    private static long _nextJsObjectId;

    private readonly HubConnection _hub;
    private readonly Uri _baseAddress;
    private readonly CookieContainer _cookies;
    private readonly Action<ReadOnlyMemory<byte>, long>? _onBatch;
    private readonly TaskCompletionSource _firstRender = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private string? _circuitId;
    private long _batches;
    private long _lastBatchAt;
    private long _jsCalls;
    private volatile bool _ended;
    private volatile string? _error;
    private int _disposed;

    private BlazorCircuitClient(Uri baseAddress, CookieContainer cookies, Action<ReadOnlyMemory<byte>, long>? onBatch)
    {
        _baseAddress = baseAddress;
        _cookies = cookies;
        _onBatch = onBatch;
        var builder = new HubConnectionBuilder().WithUrl(new Uri(baseAddress, "_blazor"), o =>
        {
            o.Cookies = cookies;
            o.Transports = HttpTransportType.WebSockets;
            o.SkipNegotiation = true;
        });
        builder.Services.AddSingleton<IHubProtocol, BlazorPackProtocol>(); // the last one registered is the one used
        _hub = builder.Build();
        // Under a thousand circuits on two cores a ping can be late; a real browser waits 30 s too, but
        // here a lost circuit spoils the measurement, so be patient.
        _hub.ServerTimeout = TimeSpan.FromMinutes(2);
        _hub.On<long, byte[]>("JS.RenderBatch", OnRenderBatchAsync);
        // .NET 10: (asyncHandle, identifier, argsJson, resultType, targetInstanceId, callType).
        _hub.On<long, string, string?, int, long, int>("JS.BeginInvokeJS", (handle, _, _, resultType, _, _) => OnBeginInvokeJSAsync(handle, resultType));
        _hub.On<string>("JS.Error", message =>
        {
            End(message);
            _ = _hub.StopAsync(); // as blazor.web.js does: the circuit is gone
        });
        _hub.Closed += ex =>
        {
            End(ex?.Message ?? "The connection closed.");
            return Task.CompletedTask;
        };
    }

    public long Batches => Interlocked.Read(ref _batches);

    // When the last render batch arrived (Stopwatch timestamp): what the screen last heard from its server.
    public long LastBatchAt => Interlocked.Read(ref _lastBatchAt);

    // JS calls the server made to this circuit (all answered).
    public long JsCalls => Interlocked.Read(ref _jsCalls);

    public bool IsConnected => !_ended && _hub.State == HubConnectionState.Connected;

    public string? Error => _error;

    // As the page's reconnect dialog: a screen whose circuit is gone waits a random part of this
    // before it reloads (the app's Screens:ReloadSpread, read from the page like the browser does).
    public TimeSpan ReloadSpread { get; private init; }

    public static async Task<BlazorCircuitClient> ConnectAsync(Uri baseAddress, string path, CookieContainer cookies, Action<ReadOnlyMemory<byte>, long>? onBatch, CancellationToken ct)
    {
        var page = new Uri(baseAddress, path.TrimStart('/'));
        var (markers, state, reloadSpread) = await ReadPageAsync(page, cookies, ct);
        var client = new BlazorCircuitClient(baseAddress, cookies, onBatch) { ReloadSpread = reloadSpread };
        try
        {
            await client._hub.StartAsync(ct);
            // .NET 8+: the circuit starts empty and the page's roots are added to it.
            client._circuitId = await client._hub.InvokeAsync<string?>("StartCircuit", baseAddress.ToString(), page.ToString(), "[]", state, ct);
            if (client._circuitId is null) throw new InvalidOperationException($"The server did not start a circuit for {path}: {client.Error}");
            await client._hub.SendAsync("UpdateRootComponents", AddOperations(markers), state, ct);
            await client._firstRender.Task.WaitAsync(FirstRenderTimeout, ct);
            return client;
        }
        catch
        {
            await client.DisposeAsync();
            throw;
        }
    }

    // Through the sign-in form, as a browser: the antiforgery token, then the auth cookie.
    public static async Task<CookieContainer> SignInAsync(Uri baseAddress, string userName)
    {
        var cookies = new CookieContainer();
        using var client = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, CookieContainer = cookies })
        {
            BaseAddress = baseAddress,
            Timeout = TimeSpan.FromSeconds(60),
        };
        var form = await client.GetStringAsync("account/login");
        var token = AntiforgeryToken().Match(form).Groups[1].Value;
        using var response = await client.PostAsync("account/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = token,
            ["_handler"] = "login",
            ["Input.UserName"] = userName,
            ["Input.Password"] = AppProcess.DemoPassword,
        }));
        if (response.StatusCode != HttpStatusCode.Redirect) throw new InvalidOperationException($"Sign-in of {userName} answered {response.StatusCode}.");
        return cookies;
    }

    // As blazor.web.js's beacon on unload: the server releases the circuit now rather than keeping
    // it for a reconnect (CircuitOptions.DisconnectedCircuitRetentionPeriod, 3 min by default).
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1) return;
        if (_circuitId is { } id)
        {
            var disconnect = new Uri(_baseAddress, "_blazor/disconnect");
            using var request = new HttpRequestMessage(HttpMethod.Post, disconnect)
            {
                Content = new FormUrlEncodedContent([new("circuitId", id)]),
            };
            request.Headers.Add("Cookie", _cookies.GetCookieHeader(disconnect));
            try
            {
                using var response = await Http.SendAsync(request);
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                _error ??= $"Disconnect: {ex.Message}";
            }
        }
        _ended = true;
        await _hub.DisposeAsync();
    }

    private async Task OnRenderBatchAsync(long batchId, byte[] batch)
    {
        Interlocked.Exchange(ref _lastBatchAt, Stopwatch.GetTimestamp());
        if (Interlocked.Increment(ref _batches) == 1) _firstRender.TrySetResult();
        else _onBatch?.Invoke(batch, Stopwatch.GetTimestamp());
        // Unacknowledged batches pile up on the server, and after a few it stops rendering.
        await _hub.SendAsync("OnRenderCompleted", batchId, null);
    }

    private Task OnBeginInvokeJSAsync(long handle, int resultType)
    {
        Interlocked.Increment(ref _jsCalls);
        if (handle == 0) return Task.CompletedTask; // fire and forget: no answer expected
        // JSCallResultType.JSObjectReference = 1: an import, a map; the .NET side holds the id.
        var result = resultType == 1
            ? string.Create(CultureInfo.InvariantCulture, $"{{\"__jsObjectId\":{Interlocked.Increment(ref _nextJsObjectId)}}}")
            : "null";
        return _hub.SendAsync("EndInvokeJSFromDotNet", handle, true, string.Create(CultureInfo.InvariantCulture, $"[{handle},true,{result}]"));
    }

    private void End(string message)
    {
        _error ??= message;
        _ended = true;
        _firstRender.TrySetException(new InvalidOperationException($"The circuit ended before its first render: {message}"));
    }

    private static async Task<(List<string> Markers, string State, TimeSpan ReloadSpread)> ReadPageAsync(Uri page, CookieContainer cookies, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, page);
        request.Headers.Add("Cookie", cookies.GetCookieHeader(page));
        using var response = await Http.SendAsync(request, ct);
        if (response.StatusCode != HttpStatusCode.OK)
            throw new InvalidOperationException($"GET {page.AbsolutePath} answered {(int)response.StatusCode} {response.Headers.Location}");
        var html = await response.Content.ReadAsStringAsync(ct);
        var markers = new List<string>();
        foreach (Match m in Marker().Matches(html))
        {
            using var json = JsonDocument.Parse(m.Groups[1].Value);
            if (json.RootElement.TryGetProperty("type", out var type) && type.GetString() == "server" && json.RootElement.TryGetProperty("descriptor", out _))
                markers.Add(m.Groups[1].Value);
        }
        if (markers.Count == 0) throw new InvalidOperationException($"GET {page.AbsolutePath} holds no interactive server components.");
        return (markers, State().Match(html) is { Success: true } s ? s.Groups[1].Value : "",
            Spread().Match(html) is { Success: true } spread ? TimeSpan.FromMilliseconds(long.Parse(spread.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)) : TimeSpan.Zero);
    }

    // {"batchId":1,"operations":[{"type":"add","ssrComponentId":1,"marker":{…as on the page…}},…]}
    private static string AddOperations(List<string> markers)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteNumber("batchId", 1);
            json.WriteStartArray("operations");
            for (var i = 0; i < markers.Count; i++)
            {
                json.WriteStartObject();
                json.WriteString("type", "add");
                json.WriteNumber("ssrComponentId", i + 1);
                json.WritePropertyName("marker");
                json.WriteRawValue(markers[i]);
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryToken();

    [GeneratedRegex("<!--Blazor:(\\{.*?\\})-->", RegexOptions.Singleline)]
    private static partial Regex Marker();

    [GeneratedRegex("<!--Blazor-Server-Component-State:(.*?)-->", RegexOptions.Singleline)]
    private static partial Regex State();

    [GeneratedRegex("data-reload-spread=\"(\\d+)\"")]
    private static partial Regex Spread();

    // The circuit hub takes only "blazorpack", which is SignalR's MessagePack protocol under another name.
    private sealed class BlazorPackProtocol : IHubProtocol
    {
        private readonly MessagePackHubProtocol _inner = new();

        public string Name => "blazorpack";
        public int Version => _inner.Version;
        public TransferFormat TransferFormat => TransferFormat.Binary;

        public bool IsVersionSupported(int version) => _inner.IsVersionSupported(version);

        public bool TryParseMessage(ref ReadOnlySequence<byte> input, IInvocationBinder binder, [NotNullWhen(true)] out HubMessage? message) =>
            _inner.TryParseMessage(ref input, binder, out message);

        public void WriteMessage(HubMessage message, IBufferWriter<byte> output) => _inner.WriteMessage(message, output);

        public ReadOnlyMemory<byte> GetMessageBytes(HubMessage message) => _inner.GetMessageBytes(message);
    }
}
