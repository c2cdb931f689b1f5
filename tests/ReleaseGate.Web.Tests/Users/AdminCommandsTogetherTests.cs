using System.Diagnostics;
using Microsoft.EntityFrameworkCore;

namespace ReleaseGate.Web.Tests;

/// <summary>
/// Commands an operator (or a script) starts at the same moment on a new database: each prepares it (migrations, the
/// applications file) before its command, and they must take turns instead of crashing on each other's rows.
/// </summary>
public sealed class AdminCommandsTogetherTests : IDisposable
{
    private readonly string workspace = Directory.CreateTempSubdirectory("rg-cli-together-").FullName;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Three_commands_started_together_on_a_new_database_all_succeed(bool postgres)
    {
        var applications = Path.Combine(workspace, "applications.yml");
        await File.WriteAllTextAsync(applications, string.Join('\n', Enumerable.Range(1, 5).Select(i => $"""
              - slug: together-{i}
                displayName: Together {i}
                stagingRepository: 127.0.0.1:5001/together-{i}
                productionRepository: 127.0.0.1:5002/together-{i}
                swarmService: together-{i}
                teamEmails: [team@example.com]
                qaEmails: [qa@example.com]
                testEnvironment:
                  containerName: together-{i}-test
                  publishedPort: {18100 + i}
            """).Prepend("applications:")), Ct);
        var database = postgres ? PostgresServer.CreateEmptyDatabase() : null;
        var environment = new Dictionary<string, string>
        {
            ["ReleaseGate__ApplicationsFile"] = applications,
            ["ReleaseGate__Database__Provider"] = postgres ? "Postgres" : "Sqlite",
            ["ReleaseGate__Database__ConnectionString"] = postgres ? PostgresServer.ConnectionString(database!) : $"Data Source={Path.Combine(workspace, "rg.db")}",
        };
        try
        {
            var runs = await Task.WhenAll(Enumerable.Range(1, 3).Select(i =>
                AdminAsync(environment, "create-user", "--email", $"together{i}@example.com", "--roles", "QA")));

            Assert.All(runs, r => Assert.True(r.Exit == 0, r.Err));
            var options = postgres ? PostgresServer.Options(PostgresServer.ConnectionString(database!))
                : new DbContextOptionsBuilder<Core.Data.ReleaseGateDb>().UseSqlite($"Data Source={Path.Combine(workspace, "rg.db")}").Options;
            await using var db = new Core.Data.ReleaseGateDb(options);
            Assert.Equal(5, await db.Applications.CountAsync(a => a.ManagedByFile, Ct));
            Assert.Equal(3, await db.Users.CountAsync(u => u.Email!.StartsWith("together"), Ct));
        }
        finally
        {
            if (database is not null) PostgresServer.DropDatabase(database);
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        }
    }

    private async Task<(int Exit, string Err)> AdminAsync(Dictionary<string, string> environment, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet", [AdminCommandLineTests.Program, "admin", .. args])
        {
            WorkingDirectory = workspace, RedirectStandardOutput = true, RedirectStandardError = true,
        };
        foreach (var (name, value) in environment) start.Environment[name] = value;
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync(Ct);
        var stderr = process.StandardError.ReadToEndAsync(Ct);
        await process.WaitForExitAsync(Ct).WaitAsync(TimeSpan.FromMinutes(2), Ct);
        await stdout;
        return (process.ExitCode, await stderr);
    }

    public void Dispose() => Directory.Delete(workspace, recursive: true);
}
