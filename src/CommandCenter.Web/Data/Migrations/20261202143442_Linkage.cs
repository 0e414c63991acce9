using System;
using Microsoft.EntityFrameworkCore.Migrations;
using NetTopologySuite.Geometries;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace CommandCenter.Web.Data.Migrations
{
    /// <inheritdoc />
    public partial class Linkage : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "linkage_units",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    code = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    categories = table.Column<string[]>(type: "text[]", nullable: false),
                    area = table.Column<MultiPolygon>(type: "geometry(MultiPolygon,4326)", nullable: false),
                    supervisor_name = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_linkage_units", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "linkage_alerts",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    external_id = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: false),
                    source = table.Column<string>(type: "character varying(80)", maxLength: 80, nullable: false),
                    format = table.Column<string>(type: "character varying(10)", maxLength: 10, nullable: false),
                    sent_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    received_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    category = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    priority = table.Column<int>(type: "integer", nullable: false),
                    location = table.Column<Point>(type: "geometry(Point,4326)", nullable: false),
                    address = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: true),
                    description = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: true),
                    reporter_contact = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    state = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    out_of_area = table.Column<bool>(type: "boolean", nullable: false),
                    unit_id = table.Column<long>(type: "bigint", nullable: true),
                    routed_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    acknowledge_due_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    arrive_due_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    feedback_due_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    acknowledged_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    arrived_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    done_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    feedback = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: true),
                    misses = table.Column<int>(type: "integer", nullable: false),
                    overdue = table.Column<bool>(type: "boolean", nullable: false),
                    supervised = table.Column<bool>(type: "boolean", nullable: false),
                    incident_id = table.Column<long>(type: "bigint", nullable: true),
                    state_changed_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_linkage_alerts", x => x.id);
                    table.ForeignKey(
                        name: "fk_linkage_alerts_incidents_incident_id",
                        column: x => x.incident_id,
                        principalTable: "incidents",
                        principalColumn: "id",
                        onDelete: ReferentialAction.SetNull);
                    table.ForeignKey(
                        name: "fk_linkage_alerts_linkage_units_unit_id",
                        column: x => x.unit_id,
                        principalTable: "linkage_units",
                        principalColumn: "id",
                        onDelete: ReferentialAction.SetNull);
                });

            migrationBuilder.CreateTable(
                name: "linkage_alert_entries",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    alert_id = table.Column<long>(type: "bigint", nullable: false),
                    at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    kind = table.Column<string>(type: "character varying(30)", maxLength: 30, nullable: false),
                    actor_name = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    text = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_linkage_alert_entries", x => x.id);
                    table.ForeignKey(
                        name: "fk_linkage_alert_entries_linkage_alerts_alert_id",
                        column: x => x.alert_id,
                        principalTable: "linkage_alerts",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "linkage_deadlines",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    alert_id = table.Column<long>(type: "bigint", nullable: false),
                    step = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    due_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    fired_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    missed = table.Column<bool>(type: "boolean", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_linkage_deadlines", x => x.id);
                    table.ForeignKey(
                        name: "fk_linkage_deadlines_linkage_alerts_alert_id",
                        column: x => x.alert_id,
                        principalTable: "linkage_alerts",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_linkage_alert_entries_alert_id_at",
                table: "linkage_alert_entries",
                columns: new[] { "alert_id", "at" });

            migrationBuilder.CreateIndex(
                name: "ix_linkage_alerts_incident_id",
                table: "linkage_alerts",
                column: "incident_id");

            migrationBuilder.CreateIndex(
                name: "ix_linkage_alerts_source_external_id",
                table: "linkage_alerts",
                columns: new[] { "source", "external_id" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_linkage_alerts_state",
                table: "linkage_alerts",
                column: "state");

            migrationBuilder.CreateIndex(
                name: "ix_linkage_alerts_unit_id_state",
                table: "linkage_alerts",
                columns: new[] { "unit_id", "state" });

            migrationBuilder.CreateIndex(
                name: "ix_linkage_deadlines_alert_id_step",
                table: "linkage_deadlines",
                columns: new[] { "alert_id", "step" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_linkage_deadlines_due",
                table: "linkage_deadlines",
                column: "due_at",
                filter: "fired_at IS NULL");

            migrationBuilder.CreateIndex(
                name: "ix_linkage_units_area",
                table: "linkage_units",
                column: "area")
                .Annotation("Npgsql:IndexMethod", "gist");

            migrationBuilder.CreateIndex(
                name: "ix_linkage_units_code",
                table: "linkage_units",
                column: "code",
                unique: true);

            // An alert's history is evidence, like the audit log: never rewritten.
            migrationBuilder.Sql("""
                CREATE FUNCTION linkage_alert_entries_is_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    RAISE EXCEPTION 'linkage_alert_entries is append-only (% refused)', TG_OP;
                END $$;
                CREATE TRIGGER linkage_alert_entries_append_only BEFORE UPDATE OR DELETE ON linkage_alert_entries
                    FOR EACH STATEMENT EXECUTE FUNCTION linkage_alert_entries_is_append_only();
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP TRIGGER IF EXISTS linkage_alert_entries_append_only ON linkage_alert_entries; DROP FUNCTION IF EXISTS linkage_alert_entries_is_append_only();");

            migrationBuilder.DropTable(
                name: "linkage_alert_entries");

            migrationBuilder.DropTable(
                name: "linkage_deadlines");

            migrationBuilder.DropTable(
                name: "linkage_alerts");

            migrationBuilder.DropTable(
                name: "linkage_units");
        }
    }
}
