namespace CommandCenter.Web.Features.Patrols;

public static class PatrolRegistration
{
    public static IServiceCollection AddPatrols(this IServiceCollection services, IConfiguration config)
    {
        services.AddOptions<PatrolOptions>().Bind(config.GetSection(PatrolOptions.Section)).ValidateDataAnnotations()
            .Validate<IHostEnvironment>((o, env) => !(o.AllowDevicesWithoutToken && env.IsProduction()),
                "Patrol:AllowDevicesWithoutToken is true in Production: a device id alone would be the credential. Register every device with a token (the admin API generates one) and remove the setting.")
            .ValidateOnStart();
        services.AddMetrics();
        services.AddSingleton<PatrolMetrics>();
        services.AddSingleton<DeviceDirectory>();
        services.AddSingleton<PatrolAdmin>();
        services.AddSingleton<PositionHistory>();
        services.AddSingleton<PositionIngest>();
        services.AddSingleton<PositionWriter>();
        services.AddHostedService(sp => sp.GetRequiredService<PositionWriter>());
        services.AddSingleton<PositionPartitionMaintainer>();
        services.AddHostedService(sp => sp.GetRequiredService<PositionPartitionMaintainer>());
        services.AddSingleton<PatrolLiveFeed>();
        services.AddSingleton<IPatrolUnitSource>(sp => sp.GetRequiredService<PatrolLiveFeed>());
        services.AddSingleton<PatrolTrails>();
        services.AddHostedService(sp => sp.GetRequiredService<PatrolLiveFeed>());
        services.AddSingleton<SilenceNotices>();
        services.AddHostedService(sp => sp.GetRequiredService<SilenceNotices>());
        services.AddOptions<PatrolDemoOptions>().Bind(config.GetSection(PatrolDemoOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddHostedService<DemoPatrolFeed>();
        return services;
    }
}
