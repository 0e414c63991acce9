namespace CommandCenter.Web.Infrastructure;

public sealed record CenterOptions
{
    public const string Section = "Center";

    // Times are shown in the command center's zone, whatever the server's or browser's.
    public string TimeZone { get; init; } = "Asia/Shanghai";
}

public sealed class CenterTime(Microsoft.Extensions.Options.IOptions<CenterOptions> options)
{
    private readonly TimeZoneInfo _zone = TimeZoneInfo.FindSystemTimeZoneById(options.Value.TimeZone);

    public TimeZoneInfo Zone => _zone;

    public DateTimeOffset ToCenter(DateTimeOffset at) => TimeZoneInfo.ConvertTime(at, _zone);

    public string Time(DateTimeOffset at) => ToCenter(at).ToString("HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture);

    public string DateTime(DateTimeOffset at) => ToCenter(at).ToString("yyyy-MM-dd HH:mm", System.Globalization.CultureInfo.InvariantCulture);
}
