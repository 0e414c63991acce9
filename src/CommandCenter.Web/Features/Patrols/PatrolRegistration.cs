namespace CommandCenter.Web.Features.Patrols;

public static class PatrolRegistration
{
    public static IServiceCollection AddPatrols(this IServiceCollection services, IConfiguration config)
    {
        services.AddOptions<PatrolOptions>().Bind(config.GetSection(PatrolOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
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
        services.AddOptions<PatrolDemoOptions>().Bind(config.GetSection(PatrolDemoOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddHostedService<DemoPatrolFeed>();
        return services;
    }
}
