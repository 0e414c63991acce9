using CommandCenter.Web.Data;
using Npgsql;

namespace CommandCenter.Tests.Infrastructure;

public class ConnectionPoolTests
{
    [Fact]
    public void Idle_connections_stay_an_hour_so_a_burst_finds_warm_backends()
    {
        const string plain = "Host=db;Database=commandcenter;Username=cc";
        var pool = new NpgsqlConnectionStringBuilder(plain);

        DataRegistration.KeepPoolWarm(plain, pool);

        Assert.Equal(3600, pool.ConnectionIdleLifetime);
    }

    [Theory]
    [InlineData("Host=db;Username=cc;Connection Idle Lifetime=60")]
    [InlineData("Host=db;Username=cc;connectionidlelifetime=60")]
    public void A_lifetime_named_in_the_connection_string_is_kept(string named)
    {
        var pool = new NpgsqlConnectionStringBuilder(named);

        DataRegistration.KeepPoolWarm(named, pool);

        Assert.Equal(60, pool.ConnectionIdleLifetime);
    }
}
