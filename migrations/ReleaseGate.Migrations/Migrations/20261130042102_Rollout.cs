using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ReleaseGate.Migrations.Migrations
{
    /// <inheritdoc />
    public partial class Rollout : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "Message",
                table: "Releases",
                type: "TEXT",
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<string>(
                name: "Reason",
                table: "Releases",
                type: "TEXT",
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<double>(
                name: "Rollout_MaxFailureRatio",
                table: "Applications",
                type: "REAL",
                nullable: false,
                defaultValue: 0.0);

            migrationBuilder.AddColumn<string>(
                name: "Rollout_SmokeUrl",
                table: "Applications",
                type: "TEXT",
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<int>(
                name: "Rollout_TimeoutSeconds",
                table: "Applications",
                type: "INTEGER",
                nullable: false,
                defaultValue: 600);

            migrationBuilder.AddColumn<string>(
                name: "Swarm_EnvironmentVariables",
                table: "Applications",
                type: "TEXT",
                nullable: false,
                defaultValueSql: "'{}'");

            migrationBuilder.AddColumn<string>(
                name: "Swarm_PublishedPorts",
                table: "Applications",
                type: "TEXT",
                nullable: false,
                defaultValueSql: "'[]'");

            migrationBuilder.AddColumn<int>(
                name: "Swarm_Replicas",
                table: "Applications",
                type: "INTEGER",
                nullable: false,
                defaultValue: 1);

            migrationBuilder.AddColumn<int>(
                name: "Swarm_StopGracePeriodSeconds",
                table: "Applications",
                type: "INTEGER",
                nullable: false,
                defaultValue: 10);

            migrationBuilder.CreateTable(
                name: "Rollouts",
                columns: table => new
                {
                    ReleaseId = table.Column<long>(type: "INTEGER", nullable: false),
                    CandidateId = table.Column<Guid>(type: "TEXT", nullable: true),
                    Service = table.Column<string>(type: "TEXT", nullable: false),
                    Image = table.Column<string>(type: "TEXT", nullable: false),
                    Digest = table.Column<string>(type: "TEXT", nullable: false),
                    PreviousImage = table.Column<string>(type: "TEXT", nullable: true),
                    Created = table.Column<bool>(type: "INTEGER", nullable: false),
                    StartedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    Deadline = table.Column<long>(type: "INTEGER", nullable: false),
                    PreviousUpdateStartedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    UpdateStartedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    Finished = table.Column<bool>(type: "INTEGER", nullable: false),
                    FailedLooks = table.Column<int>(type: "INTEGER", nullable: false),
                    ObservedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    State = table.Column<string>(type: "TEXT", nullable: false),
                    Message = table.Column<string>(type: "TEXT", nullable: false),
                    Updated = table.Column<int>(type: "INTEGER", nullable: false),
                    Total = table.Column<int>(type: "INTEGER", nullable: false),
                    Tasks = table.Column<string>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Rollouts", x => x.ReleaseId);
                    table.ForeignKey(
                        name: "FK_Rollouts_Releases_ReleaseId",
                        column: x => x.ReleaseId,
                        principalTable: "Releases",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "Rollouts");

            migrationBuilder.DropColumn(
                name: "Message",
                table: "Releases");

            migrationBuilder.DropColumn(
                name: "Reason",
                table: "Releases");

            migrationBuilder.DropColumn(
                name: "Rollout_MaxFailureRatio",
                table: "Applications");

            migrationBuilder.DropColumn(
                name: "Rollout_SmokeUrl",
                table: "Applications");

            migrationBuilder.DropColumn(
                name: "Rollout_TimeoutSeconds",
                table: "Applications");

            migrationBuilder.DropColumn(
                name: "Swarm_EnvironmentVariables",
                table: "Applications");

            migrationBuilder.DropColumn(
                name: "Swarm_PublishedPorts",
                table: "Applications");

            migrationBuilder.DropColumn(
                name: "Swarm_Replicas",
                table: "Applications");

            migrationBuilder.DropColumn(
                name: "Swarm_StopGracePeriodSeconds",
                table: "Applications");
        }
    }
}
