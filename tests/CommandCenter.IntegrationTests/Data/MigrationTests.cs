using Microsoft.EntityFrameworkCore;

namespace CommandCenter.IntegrationTests.Data;

public class MigrationTests
{
    [Fact]
    public async Task The_committed_migrations_build_the_whole_schema_on_an_empty_database()
    {
        await using var database = await TestDatabase.CreateAsync();
        await using var app = new AppFactory(database.ConnectionString);
        await app.StartedAsync();

        await using var db = app.CreateDb();
        Assert.Empty(await db.Database.GetPendingMigrationsAsync(TestContext.Current.CancellationToken));
        // The model and the migrations agree: nobody changed an entity without a migration.
        Assert.False(db.Database.HasPendingModelChanges());
        var gist = await database.ScalarAsync<long>(
            "SELECT count(*) FROM pg_indexes WHERE tablename = 'grids' AND indexdef ILIKE '%USING gist (boundary)%'");
        Assert.Equal(1, gist);
        Assert.Equal("MULTIPOLYGON", await database.ScalarAsync<string>(
            "SELECT type FROM geometry_columns WHERE f_table_name = 'grids' AND f_geometry_column = 'boundary'"));
    }

    // Two replicas of a new deployment start at the same moment on one empty database.
    [Fact]
    public async Task Two_instances_starting_together_on_an_empty_database_both_come_up_and_migrate_it_once()
    {
        await using var database = await TestDatabase.CreateAsync();
        await using var first = new AppFactory(database.ConnectionString);
        await using var second = new AppFactory(database.ConnectionString);

        await Task.WhenAll(Task.Run(first.StartedAsync, TestContext.Current.CancellationToken), Task.Run(second.StartedAsync, TestContext.Current.CancellationToken));

        await using var db = first.CreateDb();
        var applied = await db.Database.GetAppliedMigrationsAsync(TestContext.Current.CancellationToken);
        Assert.Equal(db.Database.GetMigrations(), applied);
        Assert.Equal(1L, await database.ScalarAsync<long>("SELECT count(*) FROM grids WHERE code = (SELECT min(code) FROM grids)"));
    }
}
