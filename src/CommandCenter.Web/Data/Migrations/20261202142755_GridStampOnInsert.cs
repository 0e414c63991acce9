using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CommandCenter.Web.Data.Migrations
{
    /// <inheritdoc />
    public partial class GridStampOnInsert : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // A report's grid is found inside its own INSERT: no extra round trip, and the same
            // rule (the covering grid with the lowest code) for every way an incident arrives.
            migrationBuilder.Sql("""
                CREATE FUNCTION incidents_stamp_grid() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    IF NEW.grid_code IS NULL THEN
                        SELECT g.code INTO NEW.grid_code FROM grids g
                        WHERE ST_Covers(g.boundary, NEW.location) ORDER BY g.code LIMIT 1;
                    END IF;
                    RETURN NEW;
                END $$;
                CREATE TRIGGER incidents_stamp_grid BEFORE INSERT ON incidents
                    FOR EACH ROW EXECUTE FUNCTION incidents_stamp_grid();
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP TRIGGER IF EXISTS incidents_stamp_grid ON incidents; DROP FUNCTION IF EXISTS incidents_stamp_grid();");
        }
    }
}
