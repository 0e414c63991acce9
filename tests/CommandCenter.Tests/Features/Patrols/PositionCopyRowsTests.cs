using System.Buffers.Binary;
using CommandCenter.Domain.Patrols;
using CommandCenter.Web.Features.Patrols;

namespace CommandCenter.Tests.Features.Patrols;

public class PositionCopyRowsTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 28, 8, 30, 15, TimeSpan.Zero);

    private static async Task<byte[]> EncodeAsync(IEnumerable<FixToStore> fixes)
    {
        using var stream = new MemoryStream();
        await PositionCopyRows.WriteAsync(stream, fixes, Start, TestContext.Current.CancellationToken);
        return stream.ToArray();
    }

    [Fact]
    public async Task Thousands_of_rows_cross_the_write_buffer_whole_and_end_with_the_trailer()
    {
        var fixes = Enumerable.Range(0, 3_000).Select(i => new FixToStore(i, new PositionFix(Start.AddSeconds(i), 30.2, 120.1, Speed: i % 3 == 0 ? null : 2.5))).ToList();

        var bytes = await EncodeAsync(fixes);

        Assert.Equal([(byte)'P', (byte)'G', (byte)'C', (byte)'O', (byte)'P', (byte)'Y', (byte)'\n', 0xFF, (byte)'\r', (byte)'\n', 0], bytes[..11]);
        var at = 19;
        var units = new List<long>();
        while (BinaryPrimitives.ReadInt16BigEndian(bytes.AsSpan(at)) is var fields && fields != -1)
        {
            Assert.Equal(9, fields);
            at += 2;
            for (var f = 0; f < fields; f++)
            {
                var length = BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(at));
                if (f == 0) units.Add(BinaryPrimitives.ReadInt64BigEndian(bytes.AsSpan(at + 4)));
                at += 4 + Math.Max(length, 0);
            }
        }
        Assert.Equal(bytes.Length, at + 2);
        Assert.Equal(Enumerable.Range(0, 3_000).Select(i => (long)i), units);
    }

    [Fact]
    public void A_row_holds_microseconds_since_2000_a_WGS84_point_and_empty_fields_for_what_was_not_sent()
    {
        var row = new byte[PositionCopyRows.MaxRowLength];
        var fix = new PositionFix(Start.AddTicks(1_234_567), 30.25, 120.125, Speed: 3, Heading: 90, Battery: 55);

        var length = PositionCopyRows.WriteRow(row, 42, fix, PositionCopyRows.Microseconds(Start));

        var time = BinaryPrimitives.ReadInt64BigEndian(row.AsSpan(2 + 12 + 4));
        Assert.Equal((Start.AddTicks(1_234_560) - new DateTimeOffset(2000, 1, 1, 0, 0, 0, TimeSpan.Zero)).Ticks / 10, time);
        var point = row.AsSpan(2 + 12 + 12 + 4, 25);
        Assert.Equal(4326, BinaryPrimitives.ReadInt32LittleEndian(point[5..]));
        Assert.Equal((120.125, 30.25), (BinaryPrimitives.ReadDoubleLittleEndian(point[9..]), BinaryPrimitives.ReadDoubleLittleEndian(point[17..])));
        var measurements = row.AsSpan(2 + 12 + 12 + 4 + 25);
        Assert.Equal(3f, BinaryPrimitives.ReadSingleBigEndian(measurements[4..]));   // speed
        Assert.Equal(90f, BinaryPrimitives.ReadSingleBigEndian(measurements[12..])); // heading
        Assert.Equal(-1, BinaryPrimitives.ReadInt32BigEndian(measurements[16..]));   // accuracy: not sent
        Assert.Equal(-1, BinaryPrimitives.ReadInt32BigEndian(measurements[20..]));   // altitude: not sent
        Assert.Equal(55f, BinaryPrimitives.ReadSingleBigEndian(measurements[28..])); // battery
        Assert.Equal(2 + 12 + 12 + 29 + 8 + 8 + 4 + 4 + 8 + 12, length);
    }
}
