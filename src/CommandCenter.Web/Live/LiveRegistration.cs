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

        var signalR = services.AddSignalR();
        var redis = config.GetConnectionString("Redis");
        if (!string.IsNullOrWhiteSpace(redis)) signalR.AddStackExchangeRedis(redis, o => o.Configuration.ChannelPrefix = StackExchange.Redis.RedisChannel.Literal("commandcenter"));
        return services;
    }

    public static IEndpointRouteBuilder MapLive(this IEndpointRouteBuilder app)
    {
        // A connection also ends when its cookie's ticket expires, not only when revalidation fails.
        app.MapHub<LiveHub>(LiveHubContract.Path, o => o.CloseOnAuthenticationExpiration = true);
        return app;
    }
}
