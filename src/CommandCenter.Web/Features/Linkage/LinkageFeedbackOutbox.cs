using System.Diagnostics;
using System.Text;
using System.Threading.Channels;
using CommandCenter.Web.Data;
using CommandCenter.Web.Features.Access;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace CommandCenter.Web.Features.Linkage;

// Linkage:Feedback. Url unset: feedback is off and nothing is queued.
public sealed record LinkageFeedbackOptions
{
    public Uri? Url { get; init; }
    public string Format { get; init; } = LinkageFeedbackMessages.JsonFormat;
    // Signs every body (X-CC-Signature); required with a Url.
    public string? Secret { get; init; }
    // CAP <sender> of our own messages.
    public string Sender { get; init; } = "commandcenter";
    public int MaxAttempts { get; init; } = 20;
    // One claim: a few quick tries, each with its own timeout, inside a total budget.
    public TimeSpan AttemptTimeout { get; init; } = TimeSpan.FromSeconds(10);
    public TimeSpan TotalTimeout { get; init; } = TimeSpan.FromSeconds(30);
    public int QuickRetries { get; init; } = 2;
    public TimeSpan QuickRetryDelay { get; init; } = TimeSpan.FromMilliseconds(200);
    // Between claims (durable, in the table): doubling from FirstBackoff up to MaxBackoff.
    public TimeSpan FirstBackoff { get; init; } = TimeSpan.FromSeconds(10);
    public TimeSpan MaxBackoff { get; init; } = TimeSpan.FromMinutes(10);
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(5);

    public bool IsValid() =>
        Url is null
        || Url.IsAbsoluteUri && Url.Scheme is "http" or "https" && !string.IsNullOrEmpty(Secret)
            && LinkageFeedbackMessages.IsFormat(Format) && MaxAttempts >= 1 && QuickRetries >= 0
            && AttemptTimeout > TimeSpan.Zero && TotalTimeout >= AttemptTimeout && FirstBackoff > TimeSpan.Zero && MaxBackoff >= FirstBackoff
            && PollInterval > TimeSpan.Zero && !string.IsNullOrWhiteSpace(Sender);
}

public sealed record FeedbackDeliveryView(
    Guid Id, long AlertId, string ExternalId, string Step, string Format, DateTimeOffset CreatedAt, int Attempts,
    DateTimeOffset NextAttemptAt, DateTimeOffset? FailedAt, string? LastError);

// One HTTP try as the handler inside the resilience pipeline saw it.
public sealed record FeedbackTry(DateTimeOffset At, int? StatusCode, string? Error, int DurationMs);

// The outbound feedback to 110: queued with the step (QueueAsync, inside LinkageService's
// transaction), claimed with FOR UPDATE SKIP LOCKED by whichever instance comes first, posted,
// and every try logged. Durable backoff lives in next_attempt_at; after MaxAttempts it is failed.
public sealed class LinkageFeedbackOutbox(
    IDbContextFactory<CommandCenterDb> dbFactory, IHttpClientFactory httpFactory, IOptions<LinkageOptions> options,
    TimeProvider clock, ILogger<LinkageFeedbackOutbox> logger)
{
    public const string HttpClientName = "linkage-feedback";
    internal static readonly HttpRequestOptionsKey<List<FeedbackTry>> TriesKey = new("cc.feedback.tries");

    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    // Called where the alert's change is announced, after its history rows are saved and before
    // commit: one delivery for each reportable entry written in this unit of work (the context is
    // per operation, so the entries it tracks are exactly those). Off when no Url is set.
    public static async Task QueueAsync(CommandCenterDb db, LinkageAlert alert, LinkageFeedbackOptions feedback, CancellationToken ct)
    {
        if (feedback.Url is null) return;
        var queued = db.ChangeTracker.Entries<LinkageFeedbackDelivery>().Select(e => e.Entity.EntryId).ToHashSet();
        var entries = db.ChangeTracker.Entries<LinkageAlertEntry>().Select(e => e.Entity)
            .Where(e => e.AlertId == alert.Id && e.Id > 0 && !queued.Contains(e.Id) && LinkageFeedbackMessages.StepOf(e.Kind) is not null)
            .OrderBy(e => e.Id).ToList();
        if (entries.Count == 0) return;
        // A handed-back alert has no unit any more: the one it was last routed to reports it.
        var unit = alert.UnitId is { } unitId
            ? await db.LinkageUnits.Where(u => u.Id == unitId).Select(u => u.Name).FirstOrDefaultAsync(ct)
            : await db.LinkageAlertEntries.Where(e => e.AlertId == alert.Id && e.Kind == "routed").OrderByDescending(e => e.Id).Select(e => e.Text).FirstOrDefaultAsync(ct);
        var reference = alert.CapReference ?? LinkageFeedbackMessages.CapReference(alert.Source, alert.ExternalId, alert.SentAt);
        foreach (var entry in entries)
        {
            var step = LinkageFeedbackMessages.StepOf(entry.Kind)!;
            var id = Guid.CreateVersion7(entry.At);
            var text = step is "feedback" or "handed_back" or "overdue" && entry.Text.Length > 0 ? entry.Text : null;
            var body = LinkageFeedbackMessages.Body(feedback.Format, new FeedbackStep(id, alert.Id, alert.ExternalId, step, entry.At,
                step == "routed" ? entry.Text : unit, text, reference), feedback.Sender);
            db.LinkageFeedbackDeliveries.Add(new LinkageFeedbackDelivery
            {
                Id = id, AlertId = alert.Id, EntryId = entry.Id, Step = step, Format = feedback.Format, Body = body,
                CreatedAt = entry.At, NextAttemptAt = entry.At,
            });
        }
        await db.SaveChangesAsync(ct);
    }

    // Claims up to max due deliveries, posts each, records the outcome. Returns how many it claimed.
    public async Task<int> SendDueAsync(int max = 20, CancellationToken ct = default)
    {
        var feedback = options.Value.Feedback;
        if (feedback.Url is null) return 0;
        var claimed = await ClaimAsync(max, feedback, ct);
        foreach (var delivery in claimed)
        {
            var (delivered, error, tries) = await PostAsync(delivery, feedback, ct);
            await RecordAsync(delivery.Id, delivered, error, tries, feedback, ct);
        }
        return claimed.Count;
    }

    // A claim is a lease: next_attempt_at moves past the whole try budget, so another instance
    // neither holds a lock during the POST nor takes it meanwhile. An instance that dies mid-POST
    // leaves it to be sent again after the lease; receivers dedupe by X-CC-Delivery. Per alert,
    // only the oldest undelivered step is claimable: 110 hears 签收 before 到场.
    private async Task<List<LinkageFeedbackDelivery>> ClaimAsync(int max, LinkageFeedbackOptions feedback, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var now = clock.GetUtcNow();
        var due = await db.LinkageFeedbackDeliveries.FromSql($"""
            SELECT * FROM linkage_feedback_deliveries d
            WHERE d.delivered_at IS NULL AND d.failed_at IS NULL AND d.next_attempt_at <= {now}
              AND NOT EXISTS (SELECT 1 FROM linkage_feedback_deliveries e WHERE e.alert_id = d.alert_id
                  AND e.delivered_at IS NULL AND e.failed_at IS NULL AND e.entry_id < d.entry_id)
            ORDER BY d.next_attempt_at LIMIT {max} FOR UPDATE SKIP LOCKED
            """).ToListAsync(ct);
        var lease = now + feedback.TotalTimeout + TimeSpan.FromSeconds(30);
        foreach (var delivery in due) delivery.NextAttemptAt = lease;
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return due;
    }

    private async Task<(bool Delivered, string? Error, List<FeedbackTry> Tries)> PostAsync(LinkageFeedbackDelivery delivery, LinkageFeedbackOptions feedback, CancellationToken ct)
    {
        var tries = new List<FeedbackTry>();
        using var request = new HttpRequestMessage(HttpMethod.Post, feedback.Url)
        {
            Content = new StringContent(delivery.Body, Encoding.UTF8, LinkageFeedbackMessages.ContentType(delivery.Format)),
        };
        request.Headers.Add(LinkageFeedbackMessages.SignatureHeader, LinkageFeedbackMessages.Sign(delivery.Body, feedback.Secret!));
        request.Headers.Add(LinkageFeedbackMessages.DeliveryHeader, delivery.Id.ToString());
        request.Headers.Add(LinkageFeedbackMessages.TimestampHeader, clock.GetUtcNow().ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture));
        request.Options.Set(TriesKey, tries);
        var started = clock.GetUtcNow();
        var watch = Stopwatch.StartNew();
        try
        {
            using var response = await httpFactory.CreateClient(HttpClientName).SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
            if (response.IsSuccessStatusCode) return (true, null, tries);
            return (false, $"HTTP {(int)response.StatusCode} {response.ReasonPhrase}", WithOuter(tries, started, (int)response.StatusCode, null, watch));
        }
        catch (Exception ex) when (!ct.IsCancellationRequested)
        {
            var error = FeedbackTryRecorder.Describe(ex);
            return (false, error, WithOuter(tries, started, null, error, watch));
        }
    }

    // A pipeline that gave up before any try reached the handler still leaves one attempt row.
    private static List<FeedbackTry> WithOuter(List<FeedbackTry> tries, DateTimeOffset at, int? status, string? error, Stopwatch watch)
    {
        if (tries.Count == 0) tries.Add(new FeedbackTry(at, status, error, (int)watch.ElapsedMilliseconds));
        return tries;
    }

    private async Task RecordAsync(Guid id, bool delivered, string? error, List<FeedbackTry> tries, LinkageFeedbackOptions feedback, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var delivery = await db.LinkageFeedbackDeliveries.FromSql($"SELECT * FROM linkage_feedback_deliveries WHERE id = {id} FOR UPDATE").FirstAsync(ct);
        var now = clock.GetUtcNow();
        foreach (var t in tries)
            db.LinkageFeedbackAttempts.Add(new LinkageFeedbackAttempt { DeliveryId = id, At = t.At, StatusCode = t.StatusCode, Error = Clip(t.Error), DurationMs = t.DurationMs });
        delivery.Attempts++;
        if (delivered)
        {
            delivery.DeliveredAt = now;
            delivery.LastError = null;
        }
        else
        {
            delivery.LastError = Clip(error);
            if (delivery.Attempts >= feedback.MaxAttempts)
            {
                delivery.FailedAt = now;
                logger.LogWarning("Feedback {Delivery} for linkage alert {Alert} ({Step}) gave up after {Attempts} attempts: {Error}",
                    id, delivery.AlertId, delivery.Step, delivery.Attempts, error);
            }
            else delivery.NextAttemptAt = now + LinkageFeedbackMessages.Backoff(delivery.Attempts, feedback.FirstBackoff, feedback.MaxBackoff);
        }
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
    }

    private static string? Clip(string? text) => text is { Length: > 1000 } ? text[..1000] : text;

    // The admin's list: everything not yet delivered, given-up ones first.
    public async Task<IReadOnlyList<FeedbackDeliveryView>> UndeliveredAsync(int take = 200, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await (from d in db.LinkageFeedbackDeliveries
                      join a in db.LinkageAlerts on d.AlertId equals a.Id
                      where d.DeliveredAt == null
                      orderby d.FailedAt == null, d.CreatedAt
                      select new FeedbackDeliveryView(d.Id, d.AlertId, a.ExternalId, d.Step, d.Format, d.CreatedAt, d.Attempts, d.NextAttemptAt, d.FailedAt, d.LastError))
            .Take(take).ToListAsync(ct);
    }

    // "Retry now": due at once, and a failed one gets one more attempt. Audited.
    public async Task<bool> RetryAsync(Guid id, Actor actor, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var delivery = await db.LinkageFeedbackDeliveries.FromSql($"SELECT * FROM linkage_feedback_deliveries WHERE id = {id} FOR UPDATE").FirstOrDefaultAsync(ct);
        if (delivery is null || delivery.DeliveredAt is not null) return false;
        var now = clock.GetUtcNow();
        var wasFailed = delivery.FailedAt is not null;
        delivery.FailedAt = null;
        delivery.NextAttemptAt = now;
        AuditLog.Add(db, actor, AuditActions.FeedbackRetried, $"linkage_feedback/{id}",
            new { alertId = delivery.AlertId, step = delivery.Step, attempts = delivery.Attempts, wasFailed }, now);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        Wake();
        return true;
    }

    public void Wake() => _wake.Writer.TryWrite(true);

    // Until woken (a linkage change on any instance, a retry) or the poll interval passes.
    public async Task WaitAsync(TimeSpan interval, CancellationToken ct)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var woken = _wake.Reader.WaitToReadAsync(cts.Token).AsTask();
        await Task.WhenAny(woken, Task.Delay(interval, clock, cts.Token));
        await cts.CancelAsync();
        while (_wake.Reader.TryRead(out _)) { }
        ct.ThrowIfCancellationRequested();
    }
}

// Inside the resilience pipeline, so it sees every quick retry: notes each try for the attempts log.
public sealed class FeedbackTryRecorder(TimeProvider clock) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        request.Options.TryGetValue(LinkageFeedbackOutbox.TriesKey, out var tries);
        var at = clock.GetUtcNow();
        var watch = Stopwatch.StartNew();
        try
        {
            var response = await base.SendAsync(request, cancellationToken);
            tries?.Add(new FeedbackTry(at, (int)response.StatusCode, null, (int)watch.ElapsedMilliseconds));
            return response;
        }
        catch (Exception ex)
        {
            tries?.Add(new FeedbackTry(at, null, Describe(ex), (int)watch.ElapsedMilliseconds));
            throw;
        }
    }

    public static string Describe(Exception ex) => ex switch
    {
        OperationCanceledException => "timed out",
        Polly.Timeout.TimeoutRejectedException => "timed out",
        HttpRequestException { InnerException: { } inner } h => $"{h.Message} ({inner.Message})",
        _ => ex.Message,
    };
}

// Sends due feedback on every instance: woken by any linkage change (the live outbox reaches every
// instance) and every PollInterval. An error never stops the host: it is logged and tried again.
public sealed class LinkageFeedbackSender(LinkageFeedbackOutbox outbox, Live.LiveBus bus, IOptions<LinkageOptions> options, ILogger<LinkageFeedbackSender> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var feedback = options.Value.Feedback;
        if (feedback.Url is null) return;
        using var subscription = bus.Subscribe(Live.LiveStreams.Linkage, _ => outbox.Wake());
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                try
                {
                    while (await outbox.SendDueAsync(20, stoppingToken) == 20) { }
                }
                catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
                {
                    Infrastructure.BackgroundFailures.Count("linkage-feedback");
                    logger.LogWarning(ex, "Sending linkage feedback failed; trying again in {Interval}", feedback.PollInterval);
                }
                await outbox.WaitAsync(feedback.PollInterval, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}
