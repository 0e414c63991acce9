using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql;

namespace CommandCenter.Web.Data;

public static class DataRegistration
{
    public const string ConnectionStringName = "CommandCenter";
    // Optional: the schema owner, for migrations. Set, the app's own role gets only what it needs
    // (INSERT and SELECT on audit_log: it cannot rewrite, drop or un-trigger the evidence).
    public const string OwnerConnectionStringName = "CommandCenterOwner";

    public static IServiceCollection AddCommandCenterData(this IServiceCollection services, IConfiguration config)
    {
        var connectionString = config.GetConnectionString(ConnectionStringName);
        if (string.IsNullOrWhiteSpace(connectionString))
            throw new InvalidOperationException(
                $"ConnectionStrings:{ConnectionStringName} is not set. Run scripts/run.sh, or point it at a PostgreSQL + PostGIS database.");

        // One data source for EF, COPY and LISTEN: one pool, one NTS type mapping.
        var dataSourceBuilder = new NpgsqlDataSourceBuilder(connectionString);
        dataSourceBuilder.UseNetTopologySuite();
        // A statement run a few times on a connection is prepared there and planned once: under
        // the soak, planning was a fifth of PostgreSQL's statement time (the map feed's read, the
        // stream reads, the device lookup of every OsmAnd fix). "Max Auto Prepare" in the
        // connection string overrides this; 0 turns it off.
        if (!AutoPrepareConfigured(connectionString)) dataSourceBuilder.ConnectionStringBuilder.MaxAutoPrepare = DefaultMaxAutoPrepare;
        var dataSource = dataSourceBuilder.Build();
        services.AddSingleton(dataSource);
        services.AddDbContextFactory<CommandCenterDb>(o => o
            .UseNpgsql(dataSource, npgsql => npgsql.UseNetTopologySuite())
            .UseSnakeCaseNamingConvention());
        services.AddSingleton(new DatabaseOwner(config.GetConnectionString(OwnerConnectionStringName) is { Length: > 0 } owner ? owner : null));
        services.AddSingleton<DatabaseMigrator>();
        services.AddHostedService(sp => sp.GetRequiredService<DatabaseMigrator>());
        return services;
    }

    // The hot statements number a few dozen; beyond this the least recently used is recycled.
    internal const int DefaultMaxAutoPrepare = 64;

    internal static bool AutoPrepareConfigured(string connectionString) =>
        new System.Data.Common.DbConnectionStringBuilder { ConnectionString = connectionString }.Keys.Cast<string>().Any(k =>
            string.Equals(k.Replace(" ", "", StringComparison.Ordinal), "MaxAutoPrepare", StringComparison.OrdinalIgnoreCase));
}

// Applies committed migrations before the app serves, then lets dependent start-up work
// (seeding) proceed. Replicas starting together take turns under a session advisory lock, so
// exactly one migrates and the others find the schema up to date (creating the history table
// alone races too).
public sealed record DatabaseOwner(string? ConnectionString);

public sealed class DatabaseMigrator(IDbContextFactory<CommandCenterDb> dbFactory, NpgsqlDataSource dataSource, DatabaseOwner owner, ILogger<DatabaseMigrator> logger) : IHostedService
{
    internal const long LockKey = 0x43_43_4D_49_47_52; // "CCMIGR"

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await using var held = await StartupLock.TakeAsync(dataSource, LockKey, cancellationToken);
        if (owner.ConnectionString is null)
        {
            await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
            await MigrateAsync(db, cancellationToken);
            return;
        }
        await using (var ownerDb = new CommandCenterDb(new DbContextOptionsBuilder<CommandCenterDb>()
            .UseNpgsql(owner.ConnectionString, npgsql => npgsql.UseNetTopologySuite()).UseSnakeCaseNamingConvention().Options))
        {
            await MigrateAsync(ownerDb, cancellationToken);
            var appRole = new NpgsqlConnectionStringBuilder(dataSource.ConnectionString).Username!;
            await ownerDb.Database.ExecuteSqlRawAsync(AppRoleGrants(appRole), cancellationToken);
            logger.LogInformation("Migrated as the schema owner; {Role} may read and append to audit_log and incident_timeline only", appRole);
        }
        // The app's own pool learns the types the owner's migration created.
        await using var conn = await dataSource.OpenConnectionAsync(cancellationToken);
        await conn.ReloadTypesAsync(cancellationToken);
    }

    // Everything the app does day to day, and not one privilege on the audit log or an incident's
    // timeline beyond reading and appending. It owns the position history, whose day partitions it creates and drops.
    internal static string AppRoleGrants(string appRole)
    {
        var role = new NpgsqlCommandBuilder().QuoteIdentifier(appRole);
        return $"""
            GRANT USAGE, CREATE ON SCHEMA public TO {role};
            GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {role};
            GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO {role};
            REVOKE ALL ON audit_log FROM {role};
            GRANT SELECT, INSERT ON audit_log TO {role};
            REVOKE ALL ON incident_timeline FROM {role};
            GRANT SELECT, INSERT ON incident_timeline TO {role};
            REVOKE ALL ON linkage_alert_entries FROM {role};
            GRANT SELECT, INSERT ON linkage_alert_entries TO {role};
            REVOKE ALL ON linkage_feedback_attempts FROM {role};
            GRANT SELECT, INSERT ON linkage_feedback_attempts TO {role};
            ALTER TABLE positions OWNER TO {role};
            DO $$ DECLARE p regclass; BEGIN
              FOR p IN SELECT inhrelid::regclass FROM pg_inherits WHERE inhparent = 'positions'::regclass LOOP
                EXECUTE format('ALTER TABLE %s OWNER TO %I', p, {Literal(appRole)});
              END LOOP; END $$;
            """;
    }

    private static string Literal(string value) => "'" + value.Replace("'", "''", StringComparison.Ordinal) + "'";

    private async Task MigrateAsync(CommandCenterDb db, CancellationToken cancellationToken)
    {
        // Created up front so that reading it on an empty database does not log a failed command.
        await db.GetService<IHistoryRepository>().CreateIfNotExistsAsync(cancellationToken);
        var pending = (await db.Database.GetPendingMigrationsAsync(cancellationToken)).ToList();
        if (pending.Count == 0)
        {
            logger.LogInformation("Database schema is up to date");
            return;
        }
        logger.LogInformation("Applying {Count} migration(s): {Migrations}", pending.Count, string.Join(", ", pending));
        await db.Database.MigrateAsync(cancellationToken);
        // Types (PostGIS geometry) created by the migration must be known to pooled connections.
        var conn = (NpgsqlConnection)db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync(cancellationToken);
        await conn.ReloadTypesAsync(cancellationToken);
        logger.LogInformation("Database migrated");
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

// A session advisory lock held on its own connection until disposed: start-up work that every
// replica runs (migrations, seeding) runs in one replica at a time.
public sealed class StartupLock : IAsyncDisposable
{
    private readonly NpgsqlConnection _connection;

    private StartupLock(NpgsqlConnection connection) => _connection = connection;

    public static async Task<StartupLock> TakeAsync(NpgsqlDataSource dataSource, long key, CancellationToken ct)
    {
        var connection = await dataSource.OpenConnectionAsync(ct);
        try
        {
            await using var take = new NpgsqlCommand($"SELECT pg_advisory_lock({key})", connection);
            await take.ExecuteNonQueryAsync(ct);
            return new StartupLock(connection);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    // Released explicitly: a pooled session outlives the connection object.
    public async ValueTask DisposeAsync()
    {
        await using (_connection)
        {
            await using var release = new NpgsqlCommand("SELECT pg_advisory_unlock_all()", _connection);
            await release.ExecuteNonQueryAsync();
        }
    }
}
