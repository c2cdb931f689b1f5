using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace ReleaseGate.Web.Database;

/// <summary>
/// Per-connection SQLite settings for a database that pages, API calls and jobs write at once.
/// busy_timeout lets SQLite wait for the writer in small steps; without it Microsoft.Data.Sqlite
/// retries a locked write only every 150 ms. synchronous=NORMAL is the WAL setting SQLite recommends:
/// a commit is durable at the next checkpoint, and the file is never corrupted.
/// </summary>
public static class SqliteTuning
{
    private const string Pragmas = "PRAGMA busy_timeout = 10000; PRAGMA synchronous = NORMAL;";

    public static void Apply(DbConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = Pragmas;
        command.ExecuteNonQuery();
    }

    /// <summary>For EF Core: every context's connection, on open.</summary>
    public sealed class Interceptor : DbConnectionInterceptor
    {
        public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData) => Apply(connection);

        public override Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken ct = default)
        {
            Apply(connection);
            return Task.CompletedTask;
        }
    }

    /// <summary>For Quartz's job store, which opens its own connections through a provider factory.</summary>
    public sealed class ProviderFactory : DbProviderFactory
    {
        public static readonly ProviderFactory Instance = new();

        public override DbConnection CreateConnection() => new TunedConnection();
        public override DbCommand CreateCommand() => SqliteFactory.Instance.CreateCommand();
        public override DbParameter CreateParameter() => SqliteFactory.Instance.CreateParameter();
        public override DbConnectionStringBuilder CreateConnectionStringBuilder() => SqliteFactory.Instance.CreateConnectionStringBuilder();
    }

    private sealed class TunedConnection : SqliteConnection
    {
        public override void Open()
        {
            base.Open();
            Apply(this);
        }
    }
}
