using CommandCenter.Web.Data;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace CommandCenter.Tests.Data;

public class DataRegistrationTests
{
    private static NpgsqlConnectionStringBuilder PoolSettings(string connectionString)
    {
        var config = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["ConnectionStrings:CommandCenter"] = connectionString })
            .Build();
        using var services = new ServiceCollection().AddLogging().AddCommandCenterData(config).BuildServiceProvider();
        return new NpgsqlConnectionStringBuilder(services.GetRequiredService<NpgsqlDataSource>().ConnectionString);
    }

    [Fact]
    public void The_apps_pool_prepares_its_hot_statements_by_default() =>
        Assert.Equal(DataRegistration.DefaultMaxAutoPrepare, PoolSettings("Host=db;Database=cc;Username=cc").MaxAutoPrepare);

    [Theory]
    [InlineData("Host=db;Database=cc;Username=cc;Max Auto Prepare=0", 0)]
    [InlineData("Host=db;Database=cc;Username=cc;maxautoprepare=10", 10)]
    public void An_operators_max_auto_prepare_in_the_connection_string_wins(string connectionString, int expected) =>
        Assert.Equal(expected, PoolSettings(connectionString).MaxAutoPrepare);
}
