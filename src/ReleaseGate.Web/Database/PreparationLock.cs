using Npgsql;

namespace ReleaseGate.Web.Database;

/// <summary>
/// On PostgreSQL, replicas that start together prepare the database one at a time (migrations, roles, the first
/// admin, the applications file, keys, Quartz's tables): a session advisory lock held while one prepares.
/// On SQLite there is one replica and nothing to take.
/// </summary>
public sealed class PreparationLock : IAsyncDisposable
{
    // "RGSTART" in ASCII: a key no other lock of ours uses.
    private const string Take = "SELECT pg_advisory_lock(23159371311698516)";
    private const string Give = "SELECT pg_advisory_unlock(23159371311698516)";
    private readonly NpgsqlConnection connection;

    private PreparationLock(NpgsqlConnection connection) => this.connection = connection;

    public static async Task<PreparationLock?> TakeAsync(IServiceProvider services)
    {
        if (services.GetService<NpgsqlDataSource>() is not { } database) return null;
        var connection = await database.OpenConnectionAsync();
        // Waits while another replica prepares, which may take long on a busy machine; a holder that dies lets go at once.
        await using var take = new NpgsqlCommand(Take, connection) { CommandTimeout = 600 };
        await take.ExecuteNonQueryAsync();
        return new PreparationLock(connection);
    }

    public async ValueTask DisposeAsync()
    {
        await using (var give = new NpgsqlCommand(Give, connection)) await give.ExecuteNonQueryAsync();
        await connection.DisposeAsync();
    }
}
