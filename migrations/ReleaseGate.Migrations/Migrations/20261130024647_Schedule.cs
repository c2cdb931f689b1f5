using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ReleaseGate.Migrations.Migrations
{
    /// <inheritdoc />
    public partial class Schedule : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<bool>(
                name: "DeclaredInFile",
                table: "ReleaseWindows",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<int>(
                name: "ReminderHours",
                table: "ReleaseWindows",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AlterColumn<long>(
                name: "StartsAt",
                table: "Freezes",
                type: "INTEGER",
                nullable: true,
                oldClrType: typeof(long),
                oldType: "INTEGER");

            migrationBuilder.AlterColumn<long>(
                name: "EndsAt",
                table: "Freezes",
                type: "INTEGER",
                nullable: true,
                oldClrType: typeof(long),
                oldType: "INTEGER");

            migrationBuilder.AddColumn<string>(
                name: "ApplicationSlugs",
                table: "Freezes",
                type: "TEXT",
                nullable: false,
                defaultValue: "[]");

            migrationBuilder.AddColumn<bool>(
                name: "DeclaredInFile",
                table: "Freezes",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<string>(
                name: "EndCron",
                table: "Freezes",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "StartCron",
                table: "Freezes",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "TimeZoneId",
                table: "Freezes",
                type: "TEXT",
                nullable: false,
                defaultValue: "UTC");

            migrationBuilder.CreateTable(
                name: "CutoffOverrides",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    WindowId = table.Column<int>(type: "INTEGER", nullable: false),
                    CutoffAt = table.Column<long>(type: "INTEGER", nullable: false),
                    Reason = table.Column<string>(type: "TEXT", nullable: false),
                    By = table.Column<string>(type: "TEXT", nullable: false),
                    At = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_CutoffOverrides", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "CutoffRuns",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    Kind = table.Column<string>(type: "TEXT", nullable: false),
                    WindowId = table.Column<int>(type: "INTEGER", nullable: false),
                    CutoffAt = table.Column<long>(type: "INTEGER", nullable: false),
                    HandledAt = table.Column<long>(type: "INTEGER", nullable: false),
                    Summary = table.Column<string>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_CutoffRuns", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "Promotions",
                columns: table => new
                {
                    CandidateId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Attempts = table.Column<int>(type: "INTEGER", nullable: false),
                    StartedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    FinishedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    BytesCopied = table.Column<long>(type: "INTEGER", nullable: false),
                    BytesTotal = table.Column<long>(type: "INTEGER", nullable: false),
                    BlobsCopied = table.Column<int>(type: "INTEGER", nullable: false),
                    BlobsTotal = table.Column<int>(type: "INTEGER", nullable: false),
                    ProductionDigest = table.Column<string>(type: "TEXT", nullable: true),
                    Error = table.Column<string>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Promotions", x => x.CandidateId);
                    table.ForeignKey(
                        name: "FK_Promotions_Candidates_CandidateId",
                        column: x => x.CandidateId,
                        principalTable: "Candidates",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_CutoffOverrides_WindowId_CutoffAt",
                table: "CutoffOverrides",
                columns: new[] { "WindowId", "CutoffAt" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_CutoffRuns_Kind_WindowId_CutoffAt",
                table: "CutoffRuns",
                columns: new[] { "Kind", "WindowId", "CutoffAt" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "CutoffOverrides");

            migrationBuilder.DropTable(
                name: "CutoffRuns");

            migrationBuilder.DropTable(
                name: "Promotions");

            migrationBuilder.DropColumn(
                name: "DeclaredInFile",
                table: "ReleaseWindows");

            migrationBuilder.DropColumn(
                name: "ReminderHours",
                table: "ReleaseWindows");

            migrationBuilder.DropColumn(
                name: "ApplicationSlugs",
                table: "Freezes");

            migrationBuilder.DropColumn(
                name: "DeclaredInFile",
                table: "Freezes");

            migrationBuilder.DropColumn(
                name: "EndCron",
                table: "Freezes");

            migrationBuilder.DropColumn(
                name: "StartCron",
                table: "Freezes");

            migrationBuilder.DropColumn(
                name: "TimeZoneId",
                table: "Freezes");

            migrationBuilder.AlterColumn<long>(
                name: "StartsAt",
                table: "Freezes",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0L,
                oldClrType: typeof(long),
                oldType: "INTEGER",
                oldNullable: true);

            migrationBuilder.AlterColumn<long>(
                name: "EndsAt",
                table: "Freezes",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0L,
                oldClrType: typeof(long),
                oldType: "INTEGER",
                oldNullable: true);
        }
    }
}
