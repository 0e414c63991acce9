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
}
