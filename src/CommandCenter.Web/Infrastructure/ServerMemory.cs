using System.Diagnostics.Metrics;
using Microsoft.AspNetCore.Components.Server.Circuits;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CommandCenter.Web.Infrastructure;

// Open Blazor circuits on this instance (meter "CommandCenter.Circuits"), and, for the load bench
// only, the managed heap after a full collection: a circuit is a screen's memory on the server, and
// the per-screen budget is measured as heap growth per open circuit.
public sealed class OpenCircuits : CircuitHandler
{
    public const string MeterName = "CommandCenter.Circuits";

    private static readonly Meter Meter = new(MeterName);
    private static long _open;

    static OpenCircuits() =>
        Meter.CreateObservableGauge("commandcenter.circuits.open", () => Interlocked.Read(ref _open), "{circuit}", "Blazor circuits open on this instance.");

    public static long Count => Interlocked.Read(ref _open);

    public override Task OnCircuitOpenedAsync(Circuit circuit, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _open);
        return Task.CompletedTask;
    }

    public override Task OnCircuitClosedAsync(Circuit circuit, CancellationToken cancellationToken)
    {
        Interlocked.Decrement(ref _open);
        return Task.CompletedTask;
    }
}

public static class ServerMemory
{
    public sealed record HeapReading(long HeapBytes, long CommittedBytes, long WorkingSetBytes, long OpenCircuits, int Gen2Collections);

    public static IServiceCollection AddServerMemory(this IServiceCollection services)
    {
        services.AddSingleton<CircuitHandler, OpenCircuits>();
        return services;
    }

    // Off unless Diagnostics:HeapEndpoint is true (the bench's app), and then only from loopback: a
    // forced full, compacting collection stops the whole instance for a moment.
    public static IEndpointRouteBuilder MapServerMemory(this IEndpointRouteBuilder app, IConfiguration config)
    {
        if (!config.GetValue<bool>("Diagnostics:HeapEndpoint")) return app;
        app.MapPost("/diagnostics/heap", Collect).ExcludeFromDescription().AllowAnonymous().DisableAntiforgery();
        return app;
    }

    public static Results<Ok<HeapReading>, NotFound> Collect(HttpContext http)
    {
        if (http.Connection.RemoteIpAddress is not { } remote || !System.Net.IPAddress.IsLoopback(remote)) return TypedResults.NotFound();
        System.Runtime.GCSettings.LargeObjectHeapCompactionMode = System.Runtime.GCLargeObjectHeapCompactionMode.CompactOnce;
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        var info = GC.GetGCMemoryInfo(GCKind.FullBlocking);
        using var self = System.Diagnostics.Process.GetCurrentProcess();
        return TypedResults.Ok(new HeapReading(GC.GetTotalMemory(forceFullCollection: false), info.TotalCommittedBytes,
            self.WorkingSet64, OpenCircuits.Count, GC.CollectionCount(GC.MaxGeneration)));
    }
}
