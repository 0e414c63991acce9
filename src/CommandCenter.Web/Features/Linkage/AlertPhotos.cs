using CommandCenter.Domain.Dispatch;
using CommandCenter.Domain.Linkage;
using CommandCenter.Web.Data;
using CommandCenter.Web.Features.Access;
using Microsoft.EntityFrameworkCore;

namespace CommandCenter.Web.Features.Linkage;

// A photo an operator attaches to an alert's feedback (现场照片). Kept in the database with the
// alert: a few per alert, small after a phone's compression, and gone with nothing else to manage.
public sealed class LinkageAlertPhoto
{
    public long Id { get; set; }
    public long AlertId { get; set; }
    public required string ContentType { get; set; }
    public required byte[] Bytes { get; set; }
    public required string UploadedBy { get; set; }
    public DateTimeOffset UploadedAt { get; set; }
}

public sealed class AlertPhotos(IDbContextFactory<CommandCenterDb> dbFactory, TimeProvider clock)
{
    public const long MaxBytes = 5 * 1024 * 1024;
    public const int MaxPerAlert = 3;

    public static readonly Refusal NotAnImage = new("photo_not_image", "Only a JPEG, PNG or WebP photo can be attached.");
    public static readonly Refusal TooLarge = new("photo_too_large", "A photo may be at most 5 MB.");
    public static readonly Refusal TooMany = new("photo_too_many", "An alert holds at most 3 photos.");

    // What the bytes are, not what the browser says they are: a file's own signature decides.
    public static string? ImageTypeOf(ReadOnlySpan<byte> bytes) => bytes switch
    {
        [0xFF, 0xD8, 0xFF, ..] => "image/jpeg",
        [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, ..] => "image/png",
        [0x52, 0x49, 0x46, 0x46, _, _, _, _, 0x57, 0x45, 0x42, 0x50, ..] => "image/webp",
        _ => null,
    };

    // onlyUnitId: an operator attaches only to their unit's open alert; null: the desk.
    public async Task<long?> AttachAsync(long alertId, byte[] bytes, Actor actor, long? onlyUnitId, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        ArgumentNullException.ThrowIfNull(actor);
        if (bytes.Length > MaxBytes) throw new LinkageRefusedException(TooLarge, 413);
        if (ImageTypeOf(bytes) is not { } type) throw new LinkageRefusedException(NotAnImage, 415);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var alert = await LinkageService.LockAsync(db, alertId, ct);
        if (alert is null) return null;
        if (onlyUnitId is { } mine && alert.UnitId != mine) throw new LinkageRefusedException(LinkageService.NotYours, 403);
        if (!AlertLadder.IsOpen(alert.State)) throw new LinkageRefusedException(LinkageService.NotOpen, 409);
        if (await db.LinkageAlertPhotos.CountAsync(p => p.AlertId == alertId, ct) >= MaxPerAlert) throw new LinkageRefusedException(TooMany, 409);
        var now = clock.GetUtcNow();
        var photo = new LinkageAlertPhoto { AlertId = alertId, ContentType = type, Bytes = bytes, UploadedBy = actor.Name, UploadedAt = now };
        db.LinkageAlertPhotos.Add(photo);
        db.LinkageAlertEntries.Add(new LinkageAlertEntry { AlertId = alertId, At = now, Kind = "photo", ActorName = actor.Name, Text = "" });
        AuditLog.Add(db, actor, AuditActions.AlertPhoto, $"linkage_alert/{alertId}", new { bytes = bytes.Length, type }, now);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return photo.Id;
    }

    public async Task<IReadOnlyDictionary<long, IReadOnlyList<long>>> IdsForAsync(IReadOnlyCollection<long> alertIds, CancellationToken ct = default)
    {
        if (alertIds.Count == 0) return new Dictionary<long, IReadOnlyList<long>>();
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var rows = await db.LinkageAlertPhotos.AsNoTracking().Where(p => alertIds.Contains(p.AlertId)).OrderBy(p => p.Id)
            .Select(p => new { p.AlertId, p.Id }).ToListAsync(ct);
        return rows.GroupBy(r => r.AlertId).ToDictionary(g => g.Key, g => (IReadOnlyList<long>)[.. g.Select(r => r.Id)]);
    }

    public async Task<(long AlertId, string ContentType, byte[] Bytes)?> GetAsync(long alertId, long photoId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var photo = await db.LinkageAlertPhotos.AsNoTracking().FirstOrDefaultAsync(p => p.Id == photoId && p.AlertId == alertId, ct);
        return photo is null ? null : (photo.AlertId, photo.ContentType, photo.Bytes);
    }
}
