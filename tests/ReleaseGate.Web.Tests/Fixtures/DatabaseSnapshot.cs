using System.Text;
using Microsoft.Data.Sqlite;

namespace ReleaseGate.Web.Tests;

/// <summary>Every row of the portal's own tables as text, to show that a refused call changed nothing.</summary>
public static class DatabaseSnapshot
{
    // The audit trail is meant to grow with every refusal; the scheduler's and key tables change on their own;
    // every verified signature is remembered, refused call or not (a replay must fail either way).
    private static readonly string[] Ignored = ["AuditEvents", "DataProtectionKeys", "SeenSignatures", "__EFMigrationsHistory", "sqlite_sequence"];

    /// <param name="ignoredColumns">Columns a call may touch without acting, e.g. a token's LastUsedAt.</param>
    public static string Take(string databasePath, params string[] ignoredColumns)
    {
        using var connection = new SqliteConnection($"Data Source={databasePath};Mode=ReadOnly;Pooling=False");
        connection.Open();
        var tables = new List<string>();
        using (var list = connection.CreateCommand())
        {
            list.CommandText = "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name";
            using var reader = list.ExecuteReader();
            while (reader.Read()) tables.Add(reader.GetString(0));
        }
        var text = new StringBuilder();
        foreach (var table in tables.Where(t => !Ignored.Contains(t) && !t.StartsWith("QRTZ_", StringComparison.OrdinalIgnoreCase)))
        {
            using var select = connection.CreateCommand();
            select.CommandText = $"SELECT * FROM \"{table}\" ORDER BY 1";
            using var reader = select.ExecuteReader();
            text.Append("## ").AppendLine(table);
            while (reader.Read())
            {
                for (var i = 0; i < reader.FieldCount; i++)
                    if (!ignoredColumns.Contains(reader.GetName(i))) text.Append(reader.IsDBNull(i) ? "∅" : Convert.ToString(reader.GetValue(i))).Append('|');
                text.AppendLine();
            }
        }
        return text.ToString();
    }

    public static long AuditCount(string databasePath)
    {
        using var connection = new SqliteConnection($"Data Source={databasePath};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var count = connection.CreateCommand();
        count.CommandText = "SELECT COUNT(*) FROM AuditEvents WHERE Action = 'api.refused'";
        return (long)count.ExecuteScalar()!;
    }
}
