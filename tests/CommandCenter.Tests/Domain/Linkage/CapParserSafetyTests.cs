using System.Text;
using CommandCenter.Domain.Linkage;
using static CommandCenter.Tests.Domain.Linkage.CapFixtures;

namespace CommandCenter.Tests.Domain.Linkage;

// What an outside sender cannot make the intake do: read files, expand entities, recurse, or eat memory.
public class CapParserSafetyTests
{
    public enum Input { Text, Bytes, Stream }

    private static CapParseResult Parse(string xml, Input input, CapLimits? limits = null)
    {
        switch (input)
        {
            case Input.Text:
                return CapParser.Parse(xml, limits);
            case Input.Bytes:
                return CapParser.Parse(Encoding.UTF8.GetBytes(xml).AsSpan(), limits);
            default:
                using (var stream = new MemoryStream(Encoding.UTF8.GetBytes(xml)))
                    return CapParser.Parse(stream, limits);
        }
    }

    private static CapProblem Refused(CapParseResult result)
    {
        Assert.False(result.IsValid);
        Assert.Null(result.Message);
        return Assert.Single(result.Problems);
    }

    [Theory]
    [InlineData(Input.Text)]
    [InlineData(Input.Bytes)]
    [InlineData(Input.Stream)]
    public void An_external_entity_pointing_at_a_local_file_is_refused_as_a_DTD(Input input)
    {
        var problem = Refused(Parse(ExternalEntity, input));

        Assert.Equal("document", problem.Field);
        Assert.Contains("DTD", problem.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("root:", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_external_DTD_reference_is_refused_without_being_fetched()
    {
        var problem = Refused(CapParser.Parse(ExternalDtd));

        Assert.Equal("document", problem.Field);
        Assert.Contains("DTD", problem.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(Input.Text)]
    [InlineData(Input.Bytes)]
    [InlineData(Input.Stream)]
    public void Billion_laughs_entity_expansion_is_refused_before_anything_expands(Input input)
    {
        var problem = Refused(Parse(EntityExpansion(), input));

        Assert.Equal("document", problem.Field);
        Assert.Contains("DTD", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_entity_reference_without_a_DTD_is_refused_as_malformed_naming_where()
    {
        var problem = Refused(CapParser.Parse(BurstMain.Replace(BurstMainId, "&leak;", StringComparison.Ordinal)));

        Assert.Equal("document", problem.Field);
        Assert.Contains("inside <identifier>", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Nesting_deeper_than_the_limit_is_refused_naming_the_element_and_line()
    {
        var problem = Refused(CapParser.Parse(NestedInNote(40)));

        Assert.Equal("document", problem.Field);
        Assert.Contains("Element <x:ext>", problem.Message, StringComparison.Ordinal);
        Assert.Contains($"at most {CapLimits.DefaultMaxDepth}", problem.Message, StringComparison.Ordinal);
        Assert.Contains("line 8", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_ordinary_alert_fits_well_inside_the_default_depth_and_a_tight_limit_names_the_deepest_element()
    {
        Assert.True(CapParser.Parse(NestedInNote(20)).IsValid);

        // alert/info/area/geocode/valueName is five levels deep.
        Assert.True(CapParser.Parse(BurstMain, new CapLimits(MaxDepth: 5)).IsValid);
        var problem = Refused(CapParser.Parse(BurstMain, new CapLimits(MaxDepth: 4)));
        Assert.StartsWith("Element <valueName>", problem.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(Input.Text)]
    [InlineData(Input.Bytes)]
    [InlineData(Input.Stream)]
    public void An_alert_over_the_size_limit_is_refused_saying_the_limit(Input input)
    {
        var problem = Refused(Parse(WithDescriptionOf(CapLimits.DefaultMaxDocumentBytes), input));

        Assert.Equal("document", problem.Field);
        Assert.Contains("262144 bytes (256 KB)", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_size_limit_counts_bytes_so_Chinese_text_meets_the_same_bound_as_on_the_wire()
    {
        var limits = new CapLimits(MaxDocumentBytes: Encoding.UTF8.GetByteCount(BurstMain));

        Assert.True(CapParser.Parse(BurstMain, limits).IsValid);
        Assert.False(CapParser.Parse(BurstMain + " ", limits).IsValid);
        Assert.False(CapParser.Parse(BurstMain.Replace("供水", "供水水", StringComparison.Ordinal), limits).IsValid);
    }

    [Fact]
    public async Task An_endless_body_is_cut_off_after_the_limit_instead_of_being_read_to_the_end()
    {
        using var endless = new EndlessStream();

        var result = await CapParser.ParseAsync(endless, new CapLimits(MaxDocumentBytes: 4096), TestContext.Current.CancellationToken);

        Assert.False(result.IsValid);
        Assert.InRange(endless.Served, 4097, 4097 + 8192);
    }

    [Fact]
    public void Malformed_XML_is_refused_naming_the_element_it_broke_inside()
    {
        var problem = Refused(CapParser.Parse(BurstMain.Replace("</headline>", "</headlin>", StringComparison.Ordinal)));

        Assert.Equal("document", problem.Field);
        Assert.Contains("inside <headline>", problem.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("", Input.Text)]
    [InlineData(" \r\n ", Input.Text)]
    [InlineData("", Input.Bytes)]
    [InlineData(" \n", Input.Stream)]
    public void An_empty_body_is_refused_as_empty(string xml, Input input)
    {
        var problem = Refused(Parse(xml, input));

        Assert.Equal("document", problem.Field);
        Assert.StartsWith("The body is empty", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Text_that_is_not_XML_is_refused()
    {
        var problem = Refused(CapParser.Parse("{\"identifier\":\"HZW-1\"}"));

        Assert.Equal("document", problem.Field);
        Assert.Contains("not well-formed", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void XML_that_is_not_CAP_is_refused_naming_its_root()
    {
        var problem = Refused(CapParser.Parse(NotCap));

        Assert.Equal("alert", problem.Field);
        Assert.Equal($"The root element is <rss>; a CAP 1.2 <alert> in '{CapParser.Namespace}' was expected.", problem.Message);
    }

    [Fact]
    public void A_CAP_1_1_alert_is_refused_saying_only_1_2_is_read()
    {
        var problem = Refused(CapParser.Parse(Cap11));

        Assert.Equal("alert", problem.Field);
        Assert.StartsWith("This is a CAP 1.1 <alert>", problem.Message, StringComparison.Ordinal);
        Assert.Contains("only CAP 1.2", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_alert_without_the_CAP_namespace_is_refused()
    {
        var problem = Refused(CapParser.Parse(BurstMain.Replace(" xmlns=\"urn:oasis:names:tc:emergency:cap:1.2\"", "", StringComparison.Ordinal)));

        Assert.Equal("alert", problem.Field);
        Assert.Contains("CAP 1.2 alerts are in", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Too_many_points_in_one_polygon_are_refused()
    {
        var ring = string.Join(' ', Enumerable.Repeat("30.2427,120.1673", 30));

        var problem = Refused(CapParser.Parse(BurstMain.Replace(BurstMainPolygon, ring, StringComparison.Ordinal), new CapLimits(MaxPointsPerPolygon: 20)));

        Assert.Equal("info[0].area[0].polygon", problem.Field);
        Assert.Contains("at most 20", problem.Message, StringComparison.Ordinal);
    }

    // Serves '<' forever and counts what was asked of it.
    private sealed class EndlessStream : Stream
    {
        public long Served { get; private set; }
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => Served; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));
        public override int Read(Span<byte> buffer)
        {
            var n = Math.Min(buffer.Length, 8192);
            buffer[..n].Fill((byte)'<');
            Served += n;
            return n;
        }
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            ValueTask.FromResult(Read(buffer.Span));
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
