namespace CommandCenter.Web.Features.Incidents;

public static class IncidentRegistration
{
    public static IServiceCollection AddIncidents(this IServiceCollection services, IConfiguration config)
    {
        services.AddSingleton<IncidentService>();
        services.AddSingleton<IncidentFeed>();
        services.AddOptions<IncidentFeedOptions>().Bind(config.GetSection(IncidentFeedOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<DemoOptions>().Bind(config.GetSection(DemoOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddHostedService<DemoIncidentFeed>();
        return services;
    }
}
