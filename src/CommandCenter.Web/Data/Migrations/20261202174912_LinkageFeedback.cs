using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace CommandCenter.Web.Data.Migrations
{
    /// <inheritdoc />
    public partial class LinkageFeedback : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "cap_reference",
                table: "linkage_alerts",
                type: "character varying(400)",
                maxLength: 400,
                nullable: true);

            migrationBuilder.CreateTable(
                name: "linkage_feedback_deliveries",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    alert_id = table.Column<long>(type: "bigint", nullable: false),
                    entry_id = table.Column<long>(type: "bigint", nullable: false),
                    step = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    format = table.Column<string>(type: "character varying(10)", maxLength: 10, nullable: false),
                    body = table.Column<string>(type: "text", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    next_attempt_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    attempts = table.Column<int>(type: "integer", nullable: false),
                    delivered_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    failed_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    last_error = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_linkage_feedback_deliveries", x => x.id);
                    table.ForeignKey(
                        name: "fk_linkage_feedback_deliveries_linkage_alert_entries_entry_id",
                        column: x => x.entry_id,
                        principalTable: "linkage_alert_entries",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_linkage_feedback_deliveries_linkage_alerts_alert_id",
                        column: x => x.alert_id,
                        principalTable: "linkage_alerts",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "linkage_feedback_attempts",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    delivery_id = table.Column<Guid>(type: "uuid", nullable: false),
                    at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    status_code = table.Column<int>(type: "integer", nullable: true),
                    error = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: true),
                    duration_ms = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_linkage_feedback_attempts", x => x.id);
                    table.ForeignKey(
                        name: "fk_linkage_feedback_attempts_linkage_feedback_deliveries_deliv",
                        column: x => x.delivery_id,
                        principalTable: "linkage_feedback_deliveries",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_linkage_feedback_attempts_delivery_id_at",
                table: "linkage_feedback_attempts",
                columns: new[] { "delivery_id", "at" });

            migrationBuilder.CreateIndex(
                name: "ix_linkage_feedback_deliveries_alert_id_entry_id",
                table: "linkage_feedback_deliveries",
                columns: new[] { "alert_id", "entry_id" });

            migrationBuilder.CreateIndex(
                name: "ix_linkage_feedback_deliveries_due",
                table: "linkage_feedback_deliveries",
                column: "next_attempt_at",
                filter: "delivered_at IS NULL AND failed_at IS NULL");

            migrationBuilder.CreateIndex(
                name: "ix_linkage_feedback_deliveries_entry_id",
                table: "linkage_feedback_deliveries",
                column: "entry_id",
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "linkage_feedback_attempts");

            migrationBuilder.DropTable(
                name: "linkage_feedback_deliveries");

            migrationBuilder.DropColumn(
                name: "cap_reference",
                table: "linkage_alerts");
        }
    }
}
