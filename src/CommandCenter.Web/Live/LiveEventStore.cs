using System.Text.Json;
using CommandCenter.Web.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace CommandCenter.Web.Live;

// The transactional outbox: an event is appended in the same transaction as the change it
// describes, so it is published if and only if that change commits.
public sealed class LiveEventStore(IDbContextFactory<CommandCenterDb> dbFactory, IOptions<LiveOptions> options)
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    // Call inside the caller's transaction. The event's seq is taken, and the stream's listeners
    // notified, when that transaction commits (the live_events_take_seq trigger): seq order is
    // commit order, and the stream's counter is locked for the commit alone.
    public static async Task AppendAsync(CommandCenterDb db, string stream, string type, object payload, CancellationToken ct)
    {
        var json = JsonSerializer.Serialize(payload, Json);
        await db.Database.ExecuteSqlAsync($"""
            INSERT INTO live_events (stream, seq, type, payload, created_at)
            VALUES ({stream}, -nextval('live_events_pending'), {type}, {json}::jsonb, now())
            """, ct);
    }

    public async Task<IReadOnlyDictionary<string, long>> LastSeqsAsync(CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.LiveStreams.AsNoTracking().ToDictionaryAsync(s => s.Stream, s => s.LastSeq, StringComparer.Ordinal, ct);
    }

    public async Task<IReadOnlyList<LiveEvent>> ReadAfterAsync(string stream, long afterSeq, int max, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var rows = await db.LiveEvents.AsNoTracking()
            .Where(e => e.Stream == stream && e.Seq > afterSeq)
            .OrderBy(e => e.Seq)
            .Take(max)
            .ToListAsync(ct);
        return rows.Select(ToEvent).ToList();
    }

    public async Task<LiveCatchUp> CatchUpAsync(string stream, long afterSeq, CancellationToken ct)
    {
        var max = options.Value.MaxCatchUpEvents;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var last = await db.LiveStreams.AsNoTracking().Where(s => s.Stream == stream).Select(s => s.LastSeq).FirstOrDefaultAsync(ct);
        if (afterSeq >= last) return new LiveCatchUp(stream, last, Reset: afterSeq > last, []);
        var oldestKept = await db.LiveEvents.AsNoTracking().Where(e => e.Stream == stream).MinAsync(e => (long?)e.Seq, ct) ?? last + 1;
        // The client is behind what we keep (or the store was reset): it must reload.
        if (afterSeq + 1 < oldestKept || last - afterSeq > max) return new LiveCatchUp(stream, last, Reset: true, []);
        var events = await ReadAfterAsync(stream, afterSeq, max, ct);
        return new LiveCatchUp(stream, last, Reset: false, events);
    }

    public async Task<int> TrimAsync(DateTimeOffset olderThan, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.LiveEvents.Where(e => e.CreatedAt < olderThan).ExecuteDeleteAsync(ct);
    }

    private static LiveEvent ToEvent(LiveEventRecord r) =>
        new(r.Stream, r.Seq, r.Type, JsonDocument.Parse(r.Payload).RootElement.Clone(), r.CreatedAt);
}
