namespace ReleaseGate.Core.Integrations;

/// <summary>A caller of the callback API (one Jenkins, say): a key id and a secret it signs with.</summary>
public sealed class Integration
{
    public int Id { get; init; }
    public required string KeyId { get; init; }
    public string Name { get; set; } = "";
    /// <summary>The secret, encrypted with the portal's data-protection keys.</summary>
    public required string ProtectedSecret { get; set; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset? RevokedAt { get; set; }
    /// <summary>Created from ReleaseGate__Jenkins__* at start rather than by an admin.</summary>
    public bool FromEnvironment { get; init; }
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
