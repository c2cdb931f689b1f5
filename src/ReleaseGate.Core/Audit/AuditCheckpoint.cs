using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace ReleaseGate.Core.Audit;

/// <summary>
/// A keyed anchor of the chain's head: "row <see cref="Sequence"/> had hash <see cref="Hash"/> at <see cref="At"/>",
/// MACed with a key the database never holds. Whoever can rewrite rows can recompute a chain, but not this MAC,
/// so a cut or rewritten tail no longer matches the checkpoints written before it.
/// </summary>
public sealed class AuditCheckpoint
{
    public long Id { get; init; }
    /// <summary>The sequence of the newest audit row when it was written: rows are read and re-appended by sequence, so that is what a rewrite reuses.</summary>
    public long Sequence { get; init; }
    public required string Hash { get; init; }
    public DateTimeOffset At { get; init; }
    /// <summary>HMAC-SHA256 of the fields above under the checkpoint key, lower-case hex.</summary>
    public required string Mac { get; init; }
}

/// <summary>The checkpoint key from the portal's environment; <see cref="None"/> when unset (no checkpoints, verify says "not anchored").</summary>
public sealed class AuditCheckpointKey(byte[]? key)
{
    public static readonly AuditCheckpointKey None = new(null);

    public bool IsSet => key is { Length: > 0 };

    public AuditCheckpoint Seal(long sequence, string hash, DateTimeOffset at) =>
        new() { Sequence = sequence, Hash = hash, At = at, Mac = MacOf(sequence, hash, at) };

    public bool Vouches(AuditCheckpoint checkpoint) =>
        IsSet && CryptographicOperations.FixedTimeEquals(
            Encoding.ASCII.GetBytes(MacOf(checkpoint.Sequence, checkpoint.Hash, checkpoint.At)), Encoding.ASCII.GetBytes(checkpoint.Mac));

    /// <summary>Each field length-prefixed, as the rows' own hash is, so no two checkpoints encode alike.</summary>
    private string MacOf(long sequence, string hash, DateTimeOffset at)
    {
        if (!IsSet) throw new InvalidOperationException("No audit checkpoint key is set.");
        using var mac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, key!);
        Span<byte> length = stackalloc byte[4];
        foreach (var field in new[] { "checkpoint-1", sequence.ToString(), hash, at.UtcTicks.ToString() })
        {
            var bytes = Encoding.UTF8.GetBytes(field);
            BinaryPrimitives.WriteInt32BigEndian(length, bytes.Length);
            mac.AppendData(length);
            mac.AppendData(bytes);
        }
        return Convert.ToHexStringLower(mac.GetHashAndReset());
    }
}
