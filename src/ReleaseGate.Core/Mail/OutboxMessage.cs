namespace ReleaseGate.Core.Mail;

/// <summary>
/// A mail waiting to be sent. Written in the same transaction as the change that causes it,
/// so a change is never saved without its mail, nor a mail queued for a change that rolled back.
/// </summary>
public sealed class OutboxMessage
{
    public long Id { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public required List<string> To { get; init; }
    public required string Subject { get; init; }
    public required string TextBody { get; init; }
    public required string HtmlBody { get; init; }
    /// <summary>What caused it, e.g. <c>build-failed</c>, for the audit page and tests.</summary>
    public string Kind { get; init; } = "";
    public int Attempts { get; set; }
    public DateTimeOffset NextAttemptAt { get; set; }
    public DateTimeOffset? SentAt { get; set; }
    public string? LastError { get; set; }
    /// <summary>Message-Id header, fixed before the first attempt so a resend after a crash is recognisable.</summary>
    public string MessageId { get; init; } = $"{Guid.NewGuid():N}@releasegate";
}
