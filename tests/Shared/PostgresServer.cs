using Npgsql;

namespace ReleaseGate.Testing;

/// <summary>
/// The PostgreSQL that scripts/infra.sh started (RG_POSTGRES, from the environment or infra.env). Each test gets a
/// database of its own, copied from a template this test process migrated once, and drops it afterwards.
/// </summary>
public static class PostgresServer
{
    private static readonly Lazy<string> Server = new(() =>
    {
        var value = Environment.GetEnvironmentVariable("RG_POSTGRES");
        if (string.IsNullOrEmpty(value))
        {
            var dir = Environment.GetEnvironmentVariable("RG_INFRA_DIR") is { Length: > 0 } d ? d : "/var/lib/releasegate-infra";
            var file = Path.Combine(dir, "infra.env");
            value = File.Exists(file)
                ? File.ReadLines(file).Where(l => l.StartsWith("RG_POSTGRES=", StringComparison.Ordinal)).Select(l => l["RG_POSTGRES=".Length..].Trim('\'', '"')).FirstOrDefault()
                : null;
        }
        return value ?? throw new InvalidOperationException("RG_POSTGRES is not set and not in infra.env: run 'bash scripts/infra.sh up'.");
    });

    private static readonly Lazy<string> Template = new(CreateTemplate);

    /// <summary>The server's connection string for <paramref name="database"/>.</summary>
    public static string ConnectionString(string database, bool pooling = true) =>
        new NpgsqlConnectionStringBuilder(Server.Value) { Database = database, Pooling = pooling }.ConnectionString;

    public static Microsoft.EntityFrameworkCore.DbContextOptions<Core.Data.ReleaseGateDb> Options(string connectionString) =>
        Microsoft.EntityFrameworkCore.NpgsqlDbContextOptionsBuilderExtensions.UseNpgsql(
            new Microsoft.EntityFrameworkCore.DbContextOptionsBuilder<Core.Data.ReleaseGateDb>(), connectionString,
            o => o.MigrationsAssembly("ReleaseGate.Migrations.Postgres")).Options;

    /// <summary>A new database with the migrated schema (and nothing else); its name.</summary>
    public static string CreateDatabase()
    {
        var name = $"rg_test_{Guid.NewGuid():N}";
        Execute($"CREATE DATABASE {name} TEMPLATE {Template.Value}");
        return name;
    }

    /// <summary>An empty database (no schema): for a portal that migrates it itself.</summary>
    public static string CreateEmptyDatabase()
    {
        var name = $"rg_test_{Guid.NewGuid():N}";
        Execute($"CREATE DATABASE {name}");
        return name;
    }

    public static void DropDatabase(string name)
    {
        NpgsqlConnection.ClearAllPools();
        // FORCE cannot end a backend of another role (an autovacuum worker that just started on it): try again shortly.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                Execute($"DROP DATABASE IF EXISTS {name} WITH (FORCE)");
                return;
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.InsufficientPrivilege && attempt < 20)
            {
                Thread.Sleep(250);
            }
        }
    }

    private static string CreateTemplate()
    {
        var name = $"rg_template_{Guid.NewGuid():N}";
        Execute($"CREATE DATABASE {name}");
        AppDomain.CurrentDomain.ProcessExit += (_, _) => Execute($"DROP DATABASE IF EXISTS {name} WITH (FORCE)");
        // Unpooled: a copy needs the template to have no open connection.
        using var db = new Core.Data.ReleaseGateDb(Options(ConnectionString(name, pooling: false)));
        Microsoft.EntityFrameworkCore.RelationalDatabaseFacadeExtensions.Migrate(db.Database);
        return name;
    }

    private static void Execute(string sql)
    {
        // The role's own database: CREATE/DROP DATABASE cannot run inside the database they act on.
        using var connection = new NpgsqlConnection(ConnectionString(new NpgsqlConnectionStringBuilder(Server.Value).Database ?? "postgres", pooling: false));
        connection.Open();
        using var command = new NpgsqlCommand(sql, connection);
        command.ExecuteNonQuery();
    }
}
