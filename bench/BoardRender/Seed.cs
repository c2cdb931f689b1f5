using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using ReleaseGate.Core.Candidates;

namespace BoardRender;

/// <summary>
/// Fills a migrated database in bulk with prepared statements in one transaction per table: going through
/// EF for 800,000 rows would take minutes and measure nothing we care about.
/// </summary>
internal static class Seed
{
    public static readonly DateTimeOffset Start = DateTimeOffset.Parse("2024-01-01T00:00:00Z");

    public sealed record Sizes(int Applications, int Candidates, int Events, int SignOffs, int Releases, int AuditRows);

    public static Sizes Run(string connectionString, int applications, int candidatesPerApp, int auditRows)
    {
        using var connection = new SqliteConnection(connectionString);
        connection.Open();
        Exec(connection, "PRAGMA journal_mode=WAL; PRAGMA synchronous=OFF;");
        var random = new Random(42);
        var (events, signOffs, releases) = (0, 0, 0);

        using (var tx = connection.BeginTransaction())
        {
            var app = Prepare(connection, tx, """
                INSERT INTO Applications (Slug, DisplayName, StagingRepository, ProductionRepository, SwarmService,
                  TestEnvironment_ContainerName, TestEnvironment_PublishedPort, TestEnvironment_ContainerPort, TestEnvironment_EnvironmentVariables,
                  TestEnvironment_HealthPath, TestEnvironment_HealthTimeoutSeconds, RequiredApprovals, TeamEmails, QaEmails,
                  Rollout_Parallelism, Rollout_DelaySeconds, Rollout_MonitorSeconds, Rollout_FailureAction, Rollout_Order, ManagedByFile)
                VALUES ($slug, $slug, '127.0.0.1:5001/' || $slug, '127.0.0.1:5002/' || $slug, $slug, $slug || '-test', $port, 8080, '{}',
                  '/health', 60, $n, '["team@example.com"]', '["qa@example.com"]', 1, 5, 15, 'Rollback', 'StopFirst', 0)
                """, "$slug", "$port", "$n");
            var candidate = Prepare(connection, tx, """
                INSERT INTO Candidates (Id, ApplicationId, Version, Digest, "Commit", Branch, BuildNumber, BuildUrl, SubmittedBy, Changes,
                  RegisteredAt, TargetWindowId, TestUrl, Phase, PhaseChangedAt, Progress, ConcurrencyToken)
                VALUES ($id, $app, $version, $digest, $commit, 'release', $build, $url, $by, $changes, $at, NULL, $test, $phase, $changed, NULL, $token)
                """, "$id", "$app", "$version", "$digest", "$commit", "$build", "$url", "$by", "$changes", "$at", "$test", "$phase", "$changed", "$token");
            var evt = Prepare(connection, tx, "INSERT INTO CandidateEvents (CandidateId, At, Kind, Actor, Message) VALUES ($c, $at, $kind, $actor, $msg)",
                "$c", "$at", "$kind", "$actor", "$msg");
            var vote = Prepare(connection, tx, """
                INSERT INTO SignOffs (CandidateId, Digest, User, Decision, Comment, At, WithdrawnAt) VALUES ($c, $digest, $user, $decision, $comment, $at, NULL)
                """, "$c", "$digest", "$user", "$decision", "$comment", "$at");
            var release = Prepare(connection, tx, """
                INSERT INTO Releases (ApplicationId, Digest, Version, CandidateId, Kind, StartedAt, FinishedAt, Outcome, StartedBy)
                VALUES ($app, $digest, $version, $c, 'Rollout', $at, $at + 1200000000, 'Succeeded', 'system')
                """, "$app", "$digest", "$version", "$c", "$at");

            for (var a = 1; a <= applications; a++)
            {
                Run(app, $"app-{a:000}", 20000 + a, 1 + a % 2);
                for (var i = 0; i < candidatesPerApp; i++)
                {
                    var id = Guid.CreateVersion7();
                    var at = Start.AddHours(a * 0.01 + i * 12);
                    var newest = i == candidatesPerApp - 1;
                    var phase = newest ? InPlay[(a + i) % InPlay.Length] : Old(random);
                    var digest = "sha256:" + Convert.ToHexStringLower(SHA256.HashData(id.ToByteArray()));
                    var commit = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(20));
                    var changes = JsonSerializer.Serialize(Enumerable.Range(0, 3).Select(k => new CommitChange(
                        Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(20)), $"dev{k}@example.com", $"Change {k} of build {i}")), JsonOptions);
                    var key = Key(id);
                    Run(candidate, key, a, $"1.{i / 10}.{i % 10}", digest, commit, 1000 + i, $"https://jenkins.example.com/job/app-{a}/{1000 + i}/",
                        $"dev{i % 7}@example.com", changes, at.UtcTicks, $"http://127.0.0.1:{20000 + a}/", phase.ToString(), at.AddHours(2).UtcTicks, Key(Guid.NewGuid()));

                    foreach (var (step, minutes) in Path(phase))
                    {
                        Run(evt, key, at.AddMinutes(minutes).UtcTicks, step, "system", $"{step} for build {1000 + i}.");
                        events++;
                    }
                    if (phase is CandidatePhase.Approved or CandidatePhase.Released or CandidatePhase.Rejected or CandidatePhase.Promoting or CandidatePhase.RollingOut)
                    {
                        var reject = phase == CandidatePhase.Rejected;
                        Run(vote, key, digest, $"qa{i % 5}@example.com", reject ? "Reject" : "Approve", reject ? "The checkout page is blank." : "", at.AddMinutes(30).UtcTicks);
                        signOffs++;
                    }
                    if (phase == CandidatePhase.Released)
                    {
                        Run(release, a, digest, $"1.{i / 10}.{i % 10}", key, at.AddHours(3).UtcTicks);
                        releases++;
                    }
                }
            }
            tx.Commit();
        }

        SeedAudit(connection, auditRows);
        Exec(connection, "ANALYZE;");
        return new Sizes(applications, applications * candidatesPerApp, events, signOffs, releases, auditRows);
    }

    // The newest candidate of each application is in play; the older ones have mostly been replaced or released.
    private static readonly CandidatePhase[] InPlay =
    [
        CandidatePhase.AwaitingSignOff, CandidatePhase.AwaitingSignOff, CandidatePhase.Approved, CandidatePhase.Deploying,
        CandidatePhase.DeployFailed, CandidatePhase.Rejected, CandidatePhase.Registered, CandidatePhase.RollingOut, CandidatePhase.Released,
    ];

    private static CandidatePhase Old(Random random) => random.Next(100) switch
    {
        < 60 => CandidatePhase.Superseded,
        < 82 => CandidatePhase.Released,
        < 92 => CandidatePhase.Rejected,
        < 96 => CandidatePhase.RolledBack,
        _ => CandidatePhase.Superseded,
    };

    private static IEnumerable<(string Kind, int Minutes)> Path(CandidatePhase phase)
    {
        yield return ("Registered", 0);
        if (phase is CandidatePhase.Registered) yield break;
        if (phase is CandidatePhase.Superseded) { yield return ("Deploying", 1); yield return ("Superseded", 600); yield break; }
        yield return ("Deploying", 1);
        if (phase is CandidatePhase.Deploying) yield break;
        if (phase is CandidatePhase.DeployFailed) { yield return ("DeployFailed", 3); yield break; }
        yield return ("AwaitingSignOff", 3);
        if (phase is CandidatePhase.AwaitingSignOff) yield break;
        if (phase is CandidatePhase.Rejected) { yield return ("Rejected", 30); yield break; }
        yield return ("Approval", 30);
        yield return ("Approved", 30);
        if (phase is CandidatePhase.Approved) yield break;
        yield return ("Promoting", 120);
        yield return ("RollingOut", 122);
        if (phase is CandidatePhase.RollingOut) yield break;
        yield return (phase.ToString(), 140);
    }

    /// <summary>A valid hash chain, so the portal can go on appending after the seeded rows.</summary>
    private static void SeedAudit(SqliteConnection connection, int rows)
    {
        using var tx = connection.BeginTransaction();
        var insert = Prepare(connection, tx, """
            INSERT INTO AuditEvents (Sequence, At, ActorKind, Actor, Action, Subject, Details, PreviousHash, Hash)
            VALUES ($seq, $at, $kind, $actor, $action, $subject, $details, $prev, $hash)
            """, "$seq", "$at", "$kind", "$actor", "$action", "$subject", "$details", "$prev", "$hash");
        var previous = "";
        for (var seq = 1L; seq <= rows; seq++)
        {
            var row = ReleaseGate.Core.Audit.AuditEvent.ByUser(Start.AddSeconds(seq * 60), $"qa{seq % 5}@example.com", "candidate.approve",
                $"app-{seq % 200:000} 1.{seq % 25}.{seq % 10}", "{}");
            row.PreviousHash = previous;
            var hash = Hash(previous, seq, row);
            Run(insert, seq, row.At.UtcTicks, row.ActorKind.ToString(), row.Actor, row.Action, row.Subject, row.Details, previous, hash);
            previous = hash;
        }
        tx.Commit();
    }

    private static string Hash(string previous, long sequence, ReleaseGate.Core.Audit.AuditEvent e) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(
            string.Join('\n', previous, sequence, e.At.UtcTicks, e.ActorKind, e.Actor, e.Action, e.Subject, e.Details))));

    // EF Core stores a Guid in SQLite as upper-case text.
    private static string Key(Guid id) => id.ToString().ToUpperInvariant();

    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web);

    private static SqliteCommand Prepare(SqliteConnection connection, SqliteTransaction tx, string sql, params string[] names)
    {
        var command = connection.CreateCommand();
        command.Transaction = tx;
        command.CommandText = sql;
        foreach (var name in names) command.Parameters.Add(new SqliteParameter { ParameterName = name });
        command.Prepare();
        return command;
    }

    private static void Run(SqliteCommand command, params object?[] values)
    {
        for (var i = 0; i < values.Length; i++) command.Parameters[i].Value = values[i] ?? DBNull.Value;
        command.ExecuteNonQuery();
    }

    private static void Exec(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
