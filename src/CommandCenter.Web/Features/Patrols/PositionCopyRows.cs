using System.Buffers;
using System.Buffers.Binary;
using CommandCenter.Domain.Patrols;

namespace CommandCenter.Web.Features.Patrols;

// History rows in PostgreSQL's binary COPY format (the file format documented with COPY), written
// to Npgsql's raw binary COPY stream. Npgsql's row importer resolves and binds a parameter for
// every value: under batch ingest that was a sixth of the app's CPU, this a fraction of it (bench/).
// Columns, in order: unit_id, fix_time, location, speed, heading, accuracy, altitude, battery, received_at.
internal static class PositionCopyRows
{
    public const string Columns = "unit_id, fix_time, location, speed, heading, accuracy, altitude, battery, received_at";

    private const short FieldCount = 9;
    private const int PointEwkbLength = 25;

    // Two bytes of field count, then each field's 4-byte length and its bytes.
    internal const int MaxRowLength = 2 + 3 * (4 + 8) + (4 + PointEwkbLength) + 5 * (4 + 4);

    // "PGCOPY\n\377\r\n\0", then flags and header-extension length, both 0.
    private static readonly byte[] Header = [(byte)'P', (byte)'G', (byte)'C', (byte)'O', (byte)'P', (byte)'Y', (byte)'\n', 0xFF, (byte)'\r', (byte)'\n', 0, 0, 0, 0, 0, 0, 0, 0, 0];

    private static readonly long PostgresEpochTicks = new DateTimeOffset(2000, 1, 1, 0, 0, 0, TimeSpan.Zero).UtcTicks;

    public static async Task WriteAsync(Stream copy, IEnumerable<FixToStore> fixes, DateTimeOffset receivedAt, CancellationToken ct)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(32 * 1024);
        try
        {
            Header.CopyTo(buffer, 0);
            var length = Header.Length;
            var received = Microseconds(receivedAt);
            foreach (var (unitId, fix) in fixes)
            {
                // Room for a row and the 2-byte trailer after it.
                if (buffer.Length - length < MaxRowLength + 2)
                {
                    await copy.WriteAsync(buffer.AsMemory(0, length), ct);
                    length = 0;
                }
                length += WriteRow(buffer.AsSpan(length), unitId, fix, received);
            }
            BinaryPrimitives.WriteInt16BigEndian(buffer.AsSpan(length), -1); // the trailer
            await copy.WriteAsync(buffer.AsMemory(0, length + 2), ct);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    // One row; returns its length (at most MaxRowLength).
    internal static int WriteRow(Span<byte> row, long unitId, PositionFix fix, long receivedAtMicroseconds)
    {
        BinaryPrimitives.WriteInt16BigEndian(row, FieldCount);
        var at = 2;
        at += Int8(row[at..], unitId);
        at += Int8(row[at..], Microseconds(PositionWriter.StoredTime(fix.Time)));
        BinaryPrimitives.WriteInt32BigEndian(row[at..], PointEwkbLength);
        PointEwkb(row.Slice(at + 4, PointEwkbLength), fix.Longitude, fix.Latitude);
        at += 4 + PointEwkbLength;
        at += Real(row[at..], fix.Speed);
        at += Real(row[at..], fix.Heading);
        at += Real(row[at..], fix.Accuracy);
        at += Real(row[at..], fix.Altitude);
        at += Real(row[at..], fix.Battery);
        at += Int8(row[at..], receivedAtMicroseconds);
        return at;
    }

    // timestamptz on the wire: microseconds since 2000-01-01 UTC.
    internal static long Microseconds(DateTimeOffset time) => (time.UtcTicks - PostgresEpochTicks) / 10;

    // A WGS 84 point as PostGIS reads it: little-endian EWKB with the SRID flag. Cheaper than
    // building a NetTopologySuite point for every fix.
    private static void PointEwkb(Span<byte> buffer, double lon, double lat)
    {
        buffer[0] = 1;
        BinaryPrimitives.WriteUInt32LittleEndian(buffer[1..], 0x2000_0001); // point, with SRID
        BinaryPrimitives.WriteInt32LittleEndian(buffer[5..], 4326);
        BinaryPrimitives.WriteDoubleLittleEndian(buffer[9..], lon);
        BinaryPrimitives.WriteDoubleLittleEndian(buffer[17..], lat);
    }

    private static int Int8(Span<byte> field, long value)
    {
        BinaryPrimitives.WriteInt32BigEndian(field, 8);
        BinaryPrimitives.WriteInt64BigEndian(field[4..], value);
        return 12;
    }

    // real, or NULL (length -1, no bytes) when the device did not send it.
    private static int Real(Span<byte> field, double? value)
    {
        if (value is not { } v)
        {
            BinaryPrimitives.WriteInt32BigEndian(field, -1);
            return 4;
        }
        BinaryPrimitives.WriteInt32BigEndian(field, 4);
        BinaryPrimitives.WriteSingleBigEndian(field[4..], (float)v);
        return 8;
    }
}
