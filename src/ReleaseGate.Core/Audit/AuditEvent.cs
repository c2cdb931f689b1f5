using System.Security.Cryptography;
using System.Text;

namespace ReleaseGate.Core.Audit;

public enum ActorKind { User, Integration, System }

/// <summary>
/// Append-only record of who did what. Each row carries the hash of the one before it,
/// so a row removed or edited afterwards breaks the chain where it happened.
/// </summary>
public sealed class AuditEvent
{
    public long Id { get; init; }
    /// <summary>Assigned on save, one more than the last row's: the order the chain is read in.</summary>
    public long Sequence { get; private set; }
    public DateTimeOffset At { get; init; }
    public ActorKind ActorKind { get; init; }
    public required string Actor { get; init; }
    public required string Action { get; init; }
    public required string Subject { get; init; }
    public string Details { get; init; } = "";
    public string PreviousHash { get; set; } = "";
    public string Hash { get; set; } = "";
    /// <summary>How <see cref="Hash"/> was computed: 0 for rows from before versions (newline-joined), 2 for length-prefixed fields.</summary>
    public int HashVersion { get; set; }

    public const int CurrentHashVersion = 2;

    internal void Seal(long sequence, string previousHash)
    {
        Sequence = sequence;
        PreviousHash = previousHash;
        HashVersion = CurrentHashVersion;
        Hash = ComputeHash();
    }

    public string ComputeHash() => HashVersion switch
    {
        CurrentHashVersion => LengthPrefixed(),
        // Old rows keep verifying as they were sealed; newlines inside fields made that encoding ambiguous.
        _ => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(
            string.Join('\n', PreviousHash, Sequence, At.UtcTicks, ActorKind, Actor, Action, Subject, Details)))),
    };

    /// <summary>Each field as its byte length then its bytes: no two different rows encode the same, whatever they contain.</summary>
    private string LengthPrefixed()
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Span<byte> length = stackalloc byte[4];
        foreach (var field in new[] { HashVersion.ToString(), PreviousHash, Sequence.ToString(), At.UtcTicks.ToString(), ActorKind.ToString(), Actor, Action, Subject, Details })
        {
            var bytes = Encoding.UTF8.GetBytes(field);
            System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(length, bytes.Length);
            hash.AppendData(length);
            hash.AppendData(bytes);
        }
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    public static AuditEvent BySystem(DateTimeOffset at, string action, string subject, string details = "") =>
        new() { At = at, ActorKind = ActorKind.System, Actor = "system", Action = action, Subject = subject, Details = details };

    public static AuditEvent ByUser(DateTimeOffset at, string user, string action, string subject, string details = "") =>
        new() { At = at, ActorKind = ActorKind.User, Actor = user, Action = action, Subject = subject, Details = details };

    /// <summary>A person, or the operator's command line (kind System, actor "cli").</summary>
    public static AuditEvent ByActor(DateTimeOffset at, Users.Actor actor, string action, string subject, string details = "") =>
        new() { At = at, ActorKind = actor.IsCommandLine ? ActorKind.System : ActorKind.User, Actor = actor.UserName, Action = action, Subject = subject, Details = details };

    public static AuditEvent ByIntegration(DateTimeOffset at, string keyId, string action, string subject, string details = "") =>
        new() { At = at, ActorKind = ActorKind.Integration, Actor = keyId, Action = action, Subject = subject, Details = details };
}
