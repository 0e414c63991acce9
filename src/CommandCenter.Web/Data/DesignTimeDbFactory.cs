using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace CommandCenter.Web.Data;

// For `dotnet ef migrations add`: builds the model without starting the app or needing a server.
internal sealed class DesignTimeDbFactory : IDesignTimeDbContextFactory<CommandCenterDb>
{
    public CommandCenterDb CreateDbContext(string[] args) => new(new DbContextOptionsBuilder<CommandCenterDb>()
        .UseNpgsql("Host=127.0.0.1;Database=design_time", npgsql => npgsql.UseNetTopologySuite())
        .UseSnakeCaseNamingConvention()
        .Options);
}
