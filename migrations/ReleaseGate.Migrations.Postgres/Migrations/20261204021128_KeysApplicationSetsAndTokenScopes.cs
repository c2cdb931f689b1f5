using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ReleaseGate.Migrations.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class KeysApplicationSetsAndTokenScopes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "Scopes",
                table: "PersonalAccessTokens",
                type: "text",
                nullable: false,
                defaultValueSql: "'[\"read\",\"sign-off\",\"release\"]'");

            migrationBuilder.AddColumn<bool>(
                name: "AllowV1",
                table: "Integrations",
                type: "boolean",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<string>(
                name: "Applications",
                table: "Integrations",
                type: "text",
                nullable: false,
                defaultValueSql: "'[]'");

            migrationBuilder.AddColumn<string>(
                name: "PreviousProtectedSecret",
                table: "Integrations",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "PreviousSecretLastUsedAt",
                table: "Integrations",
                type: "bigint",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "RotatedAt",
                table: "Integrations",
                type: "bigint",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "SecretLastUsedAt",
                table: "Integrations",
                type: "bigint",
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "Scopes",
                table: "PersonalAccessTokens");

            migrationBuilder.DropColumn(
                name: "AllowV1",
                table: "Integrations");

            migrationBuilder.DropColumn(
                name: "Applications",
                table: "Integrations");

            migrationBuilder.DropColumn(
                name: "PreviousProtectedSecret",
                table: "Integrations");

            migrationBuilder.DropColumn(
                name: "PreviousSecretLastUsedAt",
                table: "Integrations");

            migrationBuilder.DropColumn(
                name: "RotatedAt",
                table: "Integrations");

            migrationBuilder.DropColumn(
                name: "SecretLastUsedAt",
                table: "Integrations");
        }
    }
}
