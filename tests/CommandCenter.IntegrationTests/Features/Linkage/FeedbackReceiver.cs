using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using CommandCenter.Web.Features.Linkage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace CommandCenter.IntegrationTests.Features.Linkage;

// The 110 system's end of the webhook: a real Kestrel on a local port, recording what it is sent.
// Down until StartAsync: nothing listens on its port, so the sender meets a refused connection.
public sealed class FeedbackReceiver : IAsyncDisposable
{
    private WebApplication? _app;

    public FeedbackReceiver()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        Port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
    }

    public int Port { get; }

    public Uri Url => new($"http://127.0.0.1:{Port}/110/feedback");

    public ConcurrentQueue<Received> Posts { get; } = new();

    public sealed record Received(string? Delivery, string? Signature, string? Timestamp, string? ContentType, string Body);

    public async Task<FeedbackReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{Port}");
        builder.Logging.ClearProviders();
        _app = builder.Build();
        _app.MapPost("/110/feedback", async (HttpContext http) =>
        {
            using var reader = new StreamReader(http.Request.Body);
            Posts.Enqueue(new Received(http.Request.Headers[LinkageFeedbackMessages.DeliveryHeader], http.Request.Headers[LinkageFeedbackMessages.SignatureHeader],
                http.Request.Headers[LinkageFeedbackMessages.TimestampHeader], http.Request.ContentType, await reader.ReadToEndAsync()));
            return Results.NoContent();
        });
        await _app.StartAsync();
        return this;
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null) await _app.DisposeAsync();
    }
}
