using System.Globalization;
using CommandCenter.Web.Data;
using CommandCenter.Web.Live;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Localization;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;

namespace CommandCenter.Web.Infrastructure;

// Cross-cutting pieces every feature relies on: clock, center time zone, localization, health.
public static class CenterBasics
{
    public static readonly CultureInfo[] Cultures = [new("zh-CN"), new("en-US")];

    public static IServiceCollection AddCenterBasics(this IServiceCollection services, IConfiguration config)
    {
        services.AddSingleton(TimeProvider.System);
        services.AddOptions<CenterOptions>().Bind(config.GetSection(CenterOptions.Section))
            .Validate(o => TimeZoneInfo.TryFindSystemTimeZoneById(o.TimeZone, out _), "Center:TimeZone is not a known time zone.")
            .ValidateOnStart();
        services.AddSingleton<CenterTime>();
        services.AddOptions<Components.Layout.ScreenOptions>().Bind(config.GetSection(Components.Layout.ScreenOptions.Section))
            .ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<DatabaseStatus>();
        services.AddHostedService(sp => sp.GetRequiredService<DatabaseStatus>());
        services.AddLocalization();
        // Chinese text goes out as text, not as &#x...; entities.
        services.Configure<Microsoft.Extensions.WebEncoders.WebEncoderOptions>(o =>
            o.TextEncoderSettings = new System.Text.Encodings.Web.TextEncoderSettings(System.Text.Unicode.UnicodeRanges.All));
        var health = services.AddHealthChecks()
            .AddCheck<DatabaseHealthCheck>("database", tags: ["ready"])
            .AddCheck<PostGisHealthCheck>("postgis", tags: ["ready"])
            .AddCheck<LiveHealthCheck>("live", tags: ["ready"]);
        if (!string.IsNullOrWhiteSpace(config.GetConnectionString("Redis"))) health.AddCheck<RedisHealthCheck>("redis", tags: ["ready"]);
        return services;
    }

    public static WebApplication UseCenterLocalization(this WebApplication app)
    {
        app.UseRequestLocalization(new RequestLocalizationOptions
        {
            DefaultRequestCulture = new RequestCulture(Cultures[0]),
            SupportedCultures = Cultures,
            SupportedUICultures = Cultures,
            // Only the user's explicit choice (cookie, or ?culture= for links) — zh-CN otherwise,
            // whatever language the wall display's browser happens to be set to.
            RequestCultureProviders = [new QueryStringRequestCultureProvider(), new CookieRequestCultureProvider()],
        });
        return app;
    }

    public static IEndpointRouteBuilder MapCenterBasics(this IEndpointRouteBuilder app)
    {
        // Load balancers and orchestrators probe without credentials; the answers name no secret.
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false }).AllowAnonymous();
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = c => c.Tags.Contains("ready"), ResponseWriter = Outages.WriteHealthAsync }).AllowAnonymous();
        app.MapGet("/culture/set", SetCulture).ExcludeFromDescription().AllowAnonymous(); // the sign-in page has the language menu too
        return app;
    }

    public static Results<RedirectHttpResult, BadRequest> SetCulture(string culture, string? redirectUri, HttpContext http)
    {
        if (!Cultures.Any(c => c.Name == culture)) return TypedResults.BadRequest();
        http.Response.Cookies.Append(CookieRequestCultureProvider.DefaultCookieName,
            CookieRequestCultureProvider.MakeCookieValue(new RequestCulture(culture)),
            new CookieOptions { MaxAge = TimeSpan.FromDays(365), IsEssential = true, SameSite = SameSiteMode.Lax });
        // Only local redirects: the parameter comes from the page's own link.
        return TypedResults.LocalRedirect(Features.Access.LocalReturnUrl.IsLocal(redirectUri) ? redirectUri : "/");
    }
}

internal sealed class DatabaseHealthCheck(NpgsqlDataSource dataSource) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await using var cmd = dataSource.CreateCommand("SELECT 1");
            await cmd.ExecuteScalarAsync(cancellationToken);
            return HealthCheckResult.Healthy();
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException)
        {
            return HealthCheckResult.Unhealthy("PostgreSQL is unreachable.", ex);
        }
    }
}

internal sealed class PostGisHealthCheck(NpgsqlDataSource dataSource) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await using var cmd = dataSource.CreateCommand("SELECT postgis_lib_version()");
            return HealthCheckResult.Healthy($"PostGIS {await cmd.ExecuteScalarAsync(cancellationToken)}");
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.UndefinedFunction)
        {
            return HealthCheckResult.Unhealthy("The PostGIS extension is not installed in the database.");
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException)
        {
            return HealthCheckResult.Unhealthy("PostgreSQL is unreachable, so PostGIS cannot be checked.");
        }
    }
}

// Only registered when Redis is configured: it carries the shared rate limits and user-targeted hub messages.
internal sealed class RedisHealthCheck(SharedRedis redis) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        await redis.PingAsync() is { } ping
            ? HealthCheckResult.Healthy($"Redis answered in {ping.TotalMilliseconds:0} ms.")
            : HealthCheckResult.Degraded("Redis is unreachable: rate limits are counted by each instance alone and notices reach only this instance's connections.");
}

internal sealed class LiveHealthCheck(OutboxListener listener) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(listener.Ready.IsCompletedSuccessfully
            ? HealthCheckResult.Healthy()
            : HealthCheckResult.Unhealthy("The live outbox listener is not listening yet."));
}
