using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CommandCenter.Web.Data.Migrations
{
    /// <inheritdoc />
    public partial class UnitSilences : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "unit_silences",
                columns: table => new
                {
                    unit_id = table.Column<long>(type: "bigint", nullable: false),
                    last_fix_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    noticed_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_unit_silences", x => new { x.unit_id, x.last_fix_at });
                    table.ForeignKey(
                        name: "fk_unit_silences_patrol_units_unit_id",
                        column: x => x.unit_id,
                        principalTable: "patrol_units",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "unit_silences");
        }
    }
}
