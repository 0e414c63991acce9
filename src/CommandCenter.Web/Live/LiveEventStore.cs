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

    // Call inside the caller's transaction. The counter row lock orders seq by commit.
    public static async Task<long> AppendAsync(CommandCenterDb db, string stream, string type, object payload, CancellationToken ct)
    {
        var json = JsonSerializer.Serialize(payload, Json);
        var seq = await db.Database.SqlQuery<long>($"""
            WITH next AS (
                INSERT INTO live_streams AS s (stream, last_seq) VALUES ({stream}, 1)
                ON CONFLICT (stream) DO UPDATE SET last_seq = s.last_seq + 1
                RETURNING last_seq)
            INSERT INTO live_events (stream, seq, type, payload, created_at)
            SELECT {stream}, last_seq, {type}, {json}::jsonb, now() FROM next
            RETURNING seq AS "Value"
            """).ToListAsync(ct);
        // Delivered by PostgreSQL only when the transaction commits.
        await db.Database.ExecuteSqlAsync($"SELECT pg_notify({LiveHubContract.NotifyChannel}, {stream})", ct);
        return seq[0];
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
