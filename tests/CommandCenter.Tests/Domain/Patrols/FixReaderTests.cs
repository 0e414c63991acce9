using System.Globalization;
using System.Text;
using System.Text.Json;
using CommandCenter.Domain.Patrols;

namespace CommandCenter.Tests.Domain.Patrols;

public class FixReaderTests
{
    // Reads the value of {"v": …} with the given step, as a wire format does after a property name.
    private delegate T Step<T>(ref FixReader fix, ref Utf8JsonReader json);

    private static (T Value, ParsedFix Parsed) ReadValue<T>(string value, Step<T> step)
    {
        var json = new Utf8JsonReader(Encoding.UTF8.GetBytes($$"""{"v": {{value}}, "after": 1}"""));
        json.Read();
        json.Read();
        var fix = new FixReader();
        var read = step(ref fix, ref json);
        json.Read();
        Assert.True(json.ValueTextEquals("after"u8), "the reader stops at the end of the value");
        return (read, fix.ToParsed());
    }

    [Theory]
    [InlineData("1795761600", "2026-11-27T06:40:00Z")]         // Unix seconds
    [InlineData("1795761600123", "2026-11-27T06:40:00.123Z")]  // Unix milliseconds
    [InlineData("2026-11-27T14:40:00+08:00", "2026-11-27T06:40:00Z")]
    [InlineData("2026-11-27T06:40:00Z", "2026-11-27T06:40:00Z")]
    [InlineData("2026-11-27 06:40:00", "2026-11-27T06:40:00Z")]
    [InlineData("271126064000", "2026-11-27T06:40:00Z")]       // ddMMyyHHmmss
    public void Timestamps_come_in_seconds_milliseconds_or_ISO_8601(string value, string expected)
    {
        Assert.True(FixReader.TryParseTime(value, out var time));
        Assert.Equal(DateTimeOffset.Parse(expected, CultureInfo.InvariantCulture), time);
    }

    [Theory]
    [InlineData("\"2026-11-27T14:40:00+08:00\"")]
    [InlineData("\"2026-11-27T06:40:00\"")]
    [InlineData("1795761600")]
    [InlineData("\"1795761600\"")]
    public void A_JSON_time_is_a_timestamp_string_or_Unix_seconds(string value)
    {
        var (time, parsed) = ReadValue(value, (ref f, ref j) => f.ReadTime(ref j, "time", "bad time"));

        Assert.Equal(new DateTimeOffset(2026, 11, 27, 6, 40, 0, TimeSpan.Zero), time);
        Assert.Empty(parsed.Errors);
    }

    [Theory]
    [InlineData("\"yesterday\"")]
    [InlineData("1795761600.5")]
    [InlineData("{\"at\": 1}")]
    public void A_JSON_time_that_is_no_timestamp_fails_with_the_formats_message(string value)
    {
        var (time, parsed) = ReadValue(value, (ref f, ref j) => f.ReadTime(ref j, "time", "bad time"));

        Assert.Null(time);
        Assert.Equal(["bad time"], parsed.Errors["time"]);
    }

    [Theory]
    [InlineData("30.25", 30.25)]
    [InlineData("\"30.25\"", 30.25)]
    [InlineData("null", null)]
    public void A_JSON_number_may_come_as_a_string_and_null_is_absent(string value, double? expected)
    {
        var (number, parsed) = ReadValue(value, (ref f, ref j) => f.ReadNumber(ref j, "latitude", "latitude"));

        Assert.Equal(expected, number);
        Assert.Empty(parsed.Errors);
    }

    [Fact]
    public void A_JSON_value_that_is_no_number_is_named_by_its_property_under_its_field()
    {
        var (number, parsed) = ReadValue("[1, 2]", (ref f, ref j) => f.ReadNumber(ref j, "level", "battery"));

        Assert.Null(number);
        Assert.Equal(["level must be a number."], parsed.Errors["battery"]);
    }

    [Fact]
    public void NaN_is_read_so_that_validation_refuses_it_by_name()
    {
        Assert.True(FixReader.TryParseNumber("NaN", out var nan));
        Assert.True(double.IsNaN(nan));
    }

    [Fact]
    public void A_number_in_text_is_named_by_the_parameter_that_carried_it()
    {
        var fix = new FixReader();

        Assert.Null(fix.Number("north", "latitude", "lat"));
        Assert.Equal(["lat 'north' is not a number."], fix.ToParsed().Errors["latitude"]);
    }

    [Theory]
    [InlineData("\" unit-7 \"", "unit-7")]
    [InlineData("123456", "123456")]
    public void A_device_id_is_a_trimmed_string_or_the_digits_of_a_number(string value, string expected)
    {
        var (_, parsed) = ReadValue(value, (ref f, ref j) => f.DeviceId = f.ReadDeviceId(ref j, "deviceId", "deviceId"));

        Assert.Equal(expected, parsed.Report.DeviceId);
        Assert.Empty(parsed.Errors);
    }

    [Fact]
    public void A_device_id_that_is_neither_string_nor_number_is_refused()
    {
        var (id, parsed) = ReadValue("{\"id\": 1}", (ref f, ref j) => f.ReadDeviceId(ref j, "device_id", "id"));

        Assert.Null(id);
        Assert.Equal(["device_id must be a string."], parsed.Errors["id"]);
    }

    [Fact]
    public void Minus_one_means_unknown()
    {
        Assert.Null(FixReader.Known(-1));
        Assert.Equal(0, FixReader.Known(0));
    }

    [Fact]
    public void A_fix_read_without_fault_shares_the_one_empty_error_set()
    {
        var fix = new FixReader { Latitude = 30, Longitude = 120 };

        Assert.Same(ParsedFix.NoErrors, fix.ToParsed().Errors);
    }
}
