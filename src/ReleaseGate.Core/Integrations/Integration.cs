namespace ReleaseGate.Core.Integrations;

/// <summary>
/// A caller of the callback API (one Jenkins, say): a key id, the applications it speaks for, and the secret it signs
/// with. A rotation keeps the previous secret live beside the new one until an admin retires it, so Jenkins can switch over.
/// </summary>
public sealed class Integration
{
    /// <summary>Stands for every application; never a default, only an admin's (or the variable's) explicit choice.</summary>
    public const string EveryApplication = "*";

    public int Id { get; init; }
    public required string KeyId { get; init; }
    public string Name { get; set; } = "";
    /// <summary>The secret, encrypted with the portal's data-protection keys.</summary>
    public required string ProtectedSecret { get; set; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset? RevokedAt { get; set; }
    /// <summary>Created from ReleaseGate__Jenkins__* at start rather than by an admin.</summary>
    public bool FromEnvironment { get; init; }
    /// <summary>Slugs this key may register candidates for and report builds of, or only <see cref="EveryApplication"/>.</summary>
    public List<string> Applications { get; set; } = [];
    /// <summary>Whether the older signature (body and time only, not method or path) is still accepted from this key.</summary>
    public bool AllowV1 { get; set; }
    public DateTimeOffset? SecretLastUsedAt { get; set; }
    /// <summary>The secret before the last rotation, still accepted until retired; encrypted like the current one.</summary>
    public string? PreviousProtectedSecret { get; set; }
    public DateTimeOffset? PreviousSecretLastUsedAt { get; set; }
    public DateTimeOffset? RotatedAt { get; set; }

    public bool Covers(string application) => Applications.Contains(EveryApplication) || Applications.Contains(application);
}

/// <summary>The first answer to a POST, kept so a retry with the same Idempotency-Key gets it again.</summary>
public sealed class IdempotencyRecord
{
    public required string KeyId { get; init; }
    public required string Key { get; init; }
    public required string RequestHash { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset? CompletedAt { get; set; }
    public int StatusCode { get; set; }
    public string? ResponseBody { get; set; }
    public string? Location { get; set; }
}

/// <summary>An ASP.NET data-protection key, kept in the database so every replica shares it.</summary>
public sealed class DataProtectionKeyRow
{
    public int Id { get; init; }
    public string? FriendlyName { get; init; }
    public required string Xml { get; init; }
}
