using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ReleaseGate.Migrations.Migrations
{
    /// <inheritdoc />
    public partial class TypedCandidateEvents : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "Fields",
                table: "CandidateEvents",
                type: "TEXT",
                nullable: false,
                defaultValueSql: "'{}'");

            migrationBuilder.AddColumn<string>(
                name: "LogTail",
                table: "CandidateEvents",
                type: "TEXT",
                nullable: true);

            // Failures recorded before this kept the log tail inside the message: move it to its own column.
            migrationBuilder.Sql("""
                UPDATE CandidateEvents
                SET LogTail = substr(Message, instr(Message, char(10) || '--- last log lines ---' || char(10)) + 24),
                    Message = substr(Message, 1, instr(Message, char(10) || '--- last log lines ---' || char(10)) - 1)
                WHERE Kind = 'DeployFailed' AND instr(Message, char(10) || '--- last log lines ---' || char(10)) > 0;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "Fields",
                table: "CandidateEvents");

            migrationBuilder.DropColumn(
                name: "LogTail",
                table: "CandidateEvents");
        }
    }
}
