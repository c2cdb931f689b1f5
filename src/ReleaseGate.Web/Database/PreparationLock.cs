using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using ReleaseGate.Core.Data;

namespace ReleaseGate.Web.Database;

/// <summary>
/// Processes that start together on one database prepare it one at a time (migrations, roles, the first admin, the
/// applications file, keys, Quartz's tables); the later ones find everything done. On PostgreSQL the replicas take a
/// session advisory lock; on SQLite a portal and <c>releasegate admin …</c> commands (or two commands) share the file,
/// so they take an exclusive lock on a file beside it. Either lets go at once when its holder dies.
/// </summary>
public sealed class PreparationLock : IAsyncDisposable
{
    // "RGSTART" in ASCII: a key no other lock of ours uses.
    private const string Take = "SELECT pg_advisory_lock(23159371311698516)";
    private const string Give = "SELECT pg_advisory_unlock(23159371311698516)";
    // As long as the advisory lock waits: another process's preparation may take long on a busy machine.
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(10);
    private readonly NpgsqlConnection? connection;
    private readonly FileStream? file;

    private PreparationLock(NpgsqlConnection? connection, FileStream? file) => (this.connection, this.file) = (connection, file);

    /// <summary>True when the lock is PostgreSQL's: the database is shared by replicas.</summary>
    public bool Shared => connection is not null;

    public static async Task<PreparationLock?> TakeAsync(IServiceProvider services)
    {
        if (services.GetService<NpgsqlDataSource>() is { } database)
        {
            var connection = await database.OpenConnectionAsync();
            await using var take = new NpgsqlCommand(Take, connection) { CommandTimeout = (int)Patience.TotalSeconds };
            await take.ExecuteNonQueryAsync();
            return new PreparationLock(connection, null);
        }
        await using var db = await services.GetRequiredService<IDbContextFactory<ReleaseGateDb>>().CreateDbContextAsync();
        var path = new SqliteConnectionStringBuilder(db.Database.GetConnectionString()).DataSource;
        if (path is not { Length: > 0 } || path == ":memory:" || path.StartsWith("file:", StringComparison.Ordinal)) return null;
        return new PreparationLock(null, await LockFileAsync(path + ".prepare-lock"));
    }

    /// <summary>
    /// FileShare.None is an flock() on Linux, held until the stream closes or the process ends. The file stays: deleting
    /// it would let a waiter that already opened it and a newcomer that creates a new one both hold "the" lock.
    /// </summary>
    private static async Task<FileStream> LockFileAsync(string path)
    {
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (waited.Elapsed < Patience)
            {
                await Task.Delay(100);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (file is not null) await file.DisposeAsync();
        if (connection is null) return;
        await using (var give = new NpgsqlCommand(Give, connection)) await give.ExecuteNonQueryAsync();
        await connection.DisposeAsync();
    }
}
