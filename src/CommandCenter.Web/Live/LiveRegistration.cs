namespace CommandCenter.Web.Live;

public static class LiveRegistration
{
    public static IServiceCollection AddLive(this IServiceCollection services, IConfiguration config)
    {
        services.AddOptions<LiveOptions>().Bind(config.GetSection(LiveOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<LiveBus>();
        services.AddSingleton<LiveEventStore>();
        services.AddSingleton<OutboxListener>();
        services.AddHostedService(sp => sp.GetRequiredService<OutboxListener>());
        services.AddHostedService<OutboxTrimmer>();
        services.AddHostedService<LiveHubRelay>();
        services.AddSingleton<LiveConnectionGuard>();
        services.AddHostedService(sp => sp.GetRequiredService<LiveConnectionGuard>());

        // No Redis backplane: each instance relays the outbox to its own clients (ADR 2); a
        // backplane would deliver every event once per instance and stop local delivery while
        // Redis is away. Notices to an account cross instances through Redis (RedisNoticeRelay).
        services.AddSignalR();
        return services;
    }

    public static IEndpointRouteBuilder MapLive(this IEndpointRouteBuilder app)
    {
        // A connection also ends when its cookie's ticket expires, not only when revalidation fails.
        app.MapHub<LiveHub>(LiveHubContract.Path, o => o.CloseOnAuthenticationExpiration = true);
        return app;
    }
}
