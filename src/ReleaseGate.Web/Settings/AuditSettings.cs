using System.ComponentModel.DataAnnotations;
using System.Text;
using ReleaseGate.Core.Audit;

namespace ReleaseGate.Web.Settings;

/// <summary>
/// ReleaseGate__Audit__*: the key that MACs the audit checkpoints. Unset: no checkpoints are written and verify says
/// "not anchored" (the chain alone cannot show a cut or rewritten tail). Keep it out of the database's reach: a secret file.
/// </summary>
public sealed class AuditSettings : ISettings, IValidatableObject
{
    public static string Section => "ReleaseGate:Audit";
    public const int MinimumKeyLength = 32;

    public string? CheckpointKey { get; set; }
    public string? CheckpointKeyFile { get; set; }
    /// <summary>Rows after the last checkpoint that make the next one due (checked every 30 s; one more is always written at shutdown).</summary>
    [Range(1, 1_000_000)] public int CheckpointEveryRows { get; set; } = 100;

    public AuditCheckpointKey ResolveKey() =>
        SettingsCheck.ReadSecret(CheckpointKey, CheckpointKeyFile) is { Length: > 0 } key ? new(Encoding.UTF8.GetBytes(key)) : AuditCheckpointKey.None;

    public IEnumerable<ValidationResult> Validate(ValidationContext context)
    {
        if (SettingsCheck.FileExists(CheckpointKeyFile, nameof(CheckpointKeyFile)) is { } missing)
        {
            yield return missing;
            yield break;
        }
        var key = SettingsCheck.ReadSecret(CheckpointKey, CheckpointKeyFile);
        if (key is { Length: > 0 and < MinimumKeyLength })
            yield return new($"must be at least {MinimumKeyLength} characters (e.g. openssl rand -hex 32).",
                [string.IsNullOrEmpty(CheckpointKeyFile) ? nameof(CheckpointKey) : nameof(CheckpointKeyFile)]);
    }
}
