using System;
using Microsoft.EntityFrameworkCore.Migrations;
using NetTopologySuite.Geometries;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace CommandCenter.Web.Data.Migrations
{
    /// <inheritdoc />
    public partial class Patrols : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "patrol_units",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    callsign = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    kind = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    duty = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_patrol_units", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "patrol_devices",
                columns: table => new
                {
                    device_id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    unit_id = table.Column<long>(type: "bigint", nullable: false),
                    token_hash = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    registered_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_patrol_devices", x => x.device_id);
                    table.ForeignKey(
                        name: "fk_patrol_devices_patrol_units_unit_id",
                        column: x => x.unit_id,
                        principalTable: "patrol_units",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "unit_positions",
                columns: table => new
                {
                    unit_id = table.Column<long>(type: "bigint", nullable: false),
                    fix_time = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    location = table.Column<Point>(type: "geometry(Point,4326)", nullable: false),
                    speed = table.Column<float>(type: "real", nullable: true),
                    heading = table.Column<float>(type: "real", nullable: true),
                    accuracy = table.Column<float>(type: "real", nullable: true),
                    altitude = table.Column<float>(type: "real", nullable: true),
                    battery = table.Column<float>(type: "real", nullable: true),
                    received_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    tx = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_unit_positions", x => x.unit_id);
                    table.ForeignKey(
                        name: "fk_unit_positions_patrol_units_unit_id",
                        column: x => x.unit_id,
                        principalTable: "patrol_units",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_patrol_devices_unit_id",
                table: "patrol_devices",
                column: "unit_id");

            migrationBuilder.CreateIndex(
                name: "ix_patrol_units_callsign",
                table: "patrol_units",
                column: "callsign",
                unique: true);

            // Position history, partitioned by UTC day so that retention drops whole partitions.
            // The primary key makes a repeated fix (same unit, same time) a no-op; it also serves
            // a unit's trail. No spatial index: nothing searches history by place, and a GiST
            // index is what costs most on this write path. Partitions are created by PositionHistory.
            migrationBuilder.Sql("""
                CREATE TABLE positions (
                    unit_id     bigint NOT NULL,
                    fix_time    timestamptz NOT NULL,
                    location    geometry(Point, 4326) NOT NULL,
                    speed       real,
                    heading     real,
                    accuracy    real,
                    altitude    real,
                    battery     real,
                    received_at timestamptz NOT NULL,
                    PRIMARY KEY (unit_id, fix_time)
                ) PARTITION BY RANGE (fix_time);
                """);
            // Every unit's row is rewritten every few seconds: leave room on each page for HOT updates.
            migrationBuilder.Sql("ALTER TABLE unit_positions SET (fillfactor = 50);");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP TABLE positions;");

            migrationBuilder.DropTable(
                name: "patrol_devices");

            migrationBuilder.DropTable(
                name: "unit_positions");

            migrationBuilder.DropTable(
                name: "patrol_units");
        }
    }
}
