using System.ComponentModel.DataAnnotations;
using ReleaseGate.Web.Settings;

namespace ReleaseGate.Web.Security;

/// <summary>ReleaseGate__Retention__*: how long finished bookkeeping rows are kept before the housekeeping job prunes them.</summary>
public sealed class RetentionSettings : ISettings
{
    public static string Section => "ReleaseGate:Retention";

    /// <summary>Days a sent mail stays in the outbox (for "was it sent?" questions).</summary>
    [Range(1, 3650)] public int SentMailDays { get; set; } = 30;
    /// <summary>Days an Idempotency-Key's first answer is kept for retries.</summary>
    [Range(1, 3650)] public int IdempotencyDays { get; set; } = 7;
}
