using System.ComponentModel.DataAnnotations;

namespace CommandCenter.Web.Features.Wall;

public sealed record WallOptions
{
    public const string Section = "Wall";

    // No event for this long and the wall says its picture may be out of date. The demo feed
    // emits every 4 s; a real center sets this to what a quiet night looks like.
    [Range(typeof(TimeSpan), "00:00:10", "1.00:00:00")]
    public TimeSpan StaleAfter { get; init; } = TimeSpan.FromMinutes(2);

    // How many of the newest incidents the ticker shows.
    [Range(3, 20)]
    public int TickerLength { get; init; } = 10;

    // How long the map stays on a new critical incident before flying back to the district.
    [Range(typeof(TimeSpan), "00:00:03", "00:05:00")]
    public TimeSpan HighlightFor { get; init; } = TimeSpan.FromSeconds(15);

    // The rolling counts (new in the last hour, resolved today) are re-read after events and at
    // least this often, so the windows roll forward on a quiet night too.
    [Range(typeof(TimeSpan), "00:00:05", "00:10:00")]
    public TimeSpan CountsRefresh { get; init; } = TimeSpan.FromSeconds(30);
}

public static class WallRegistration
{
    public static IServiceCollection AddWall(this IServiceCollection services, IConfiguration config)
    {
        services.AddOptions<WallOptions>().Bind(config.GetSection(WallOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<WallQueries>();
        return services;
    }
}
