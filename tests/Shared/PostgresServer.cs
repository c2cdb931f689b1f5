using Npgsql;

namespace ReleaseGate.Testing;

/// <summary>
/// The PostgreSQL that scripts/infra.sh started (RG_POSTGRES, from the environment or infra.env). Each test gets a
/// database of its own, copied from a template this test process migrated once. A copy costs most of a second (the
/// whole catalog goes through the WAL), so a database a test is done with is emptied (rows deleted, identities restarted)
/// and handed to the next test instead of dropped: the whole Core suite on PostgreSQL in about the time of SQLite.
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
    private static readonly System.Collections.Concurrent.ConcurrentBag<string> Emptied = [];
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, bool> FromTemplate = new();
    private static readonly Lazy<string> TemplateTables = new(() => Tables(Template.Value));

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
        if (Emptied.TryTake(out var emptied)) return emptied;
        var name = $"rg_test_{Guid.NewGuid():N}";
        Execute($"CREATE DATABASE {name} TEMPLATE {Template.Value}");
        FromTemplate[name] = true;
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
        if (FromTemplate.ContainsKey(name) && TryEmpty(name))
        {
            Emptied.Add(name);
            return;
        }
        FromTemplate.TryRemove(name, out _);
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

    /// <summary>
    /// Back to the template's state if it still has the template's tables (a portal adds Quartz's, a test may add its
    /// own: such a database is dropped): no session left on it, every row deleted and identities restarted.
    /// </summary>
    private static bool TryEmpty(string name)
    {
        try
        {
            var tables = Tables(name);
            if (tables != TemplateTables.Value) return false;
            // The test's pooled sessions are ended below: the next test must not be handed one of them.
            using (var pooled = new NpgsqlConnection(ConnectionString(name))) NpgsqlConnection.ClearPool(pooled);
            using var connection = new NpgsqlConnection(ConnectionString(name, pooling: false));
            connection.Open();
            using var command = new NpgsqlCommand(
                $"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}' AND pid <> pg_backend_pid();" + Empty, connection);
            command.ExecuteNonQuery();
            return true;
        }
        catch (NpgsqlException)
        {
            return false;
        }
    }

    /// <summary>
    /// DELETE, not TRUNCATE: a TRUNCATE of the 26 tables makes new files for each and takes as long as a copy of the
    /// template; a DELETE of a test's few rows takes milliseconds. A table still referenced is emptied on a later pass.
    /// </summary>
    private const string Empty = """
        DO $$
        DECLARE left_over text[]; t text; progress bool;
        BEGIN
          SELECT array_agg(quote_ident(schemaname) || '.' || quote_ident(tablename)) INTO left_over
            FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema') AND tablename NOT LIKE '\_\_EFMigrations%';
          WHILE cardinality(left_over) > 0 LOOP
            progress := false;
            FOREACH t IN ARRAY left_over LOOP
              BEGIN
                EXECUTE 'DELETE FROM ' || t;
                left_over := array_remove(left_over, t);
                progress := true;
              EXCEPTION WHEN foreign_key_violation THEN NULL;
              END;
            END LOOP;
            IF NOT progress THEN RAISE EXCEPTION 'cannot empty %', left_over; END IF;
          END LOOP;
          FOR t IN SELECT quote_ident(schemaname) || '.' || quote_ident(sequencename) FROM pg_sequences LOOP
            EXECUTE 'ALTER SEQUENCE ' || t || ' RESTART';
          END LOOP;
        END $$;
        """;

    /// <summary>The database's own tables, quoted, one a line in order.</summary>
    private static string Tables(string name)
    {
        using var connection = new NpgsqlConnection(ConnectionString(name, pooling: false));
        connection.Open();
        using var command = new NpgsqlCommand(
            "SELECT string_agg(quote_ident(schemaname) || '.' || quote_ident(tablename), E'\\n' ORDER BY schemaname, tablename) FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema')",
            connection);
        return (string)command.ExecuteScalar()!;
    }

    private static string CreateTemplate()
    {
        var name = $"rg_template_{Guid.NewGuid():N}";
        Execute($"CREATE DATABASE {name}");
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            foreach (var emptied in Emptied) Execute($"DROP DATABASE IF EXISTS {emptied} WITH (FORCE)");
            Execute($"DROP DATABASE IF EXISTS {name} WITH (FORCE)");
        };
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
