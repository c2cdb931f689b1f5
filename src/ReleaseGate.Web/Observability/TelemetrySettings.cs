using System.ComponentModel.DataAnnotations;
using ReleaseGate.Web.Settings;

namespace ReleaseGate.Web.Observability;

/// <summary>ReleaseGate__Telemetry__*: whether /metrics is served and who may read it. OTLP follows the standard OTEL_* variables.</summary>
public sealed class TelemetrySettings : ISettings, IValidatableObject
{
    public static string Section => "ReleaseGate:Telemetry";

    /// <summary>Serve Prometheus' text at /metrics; off by default, so a portal on the Internet tells nobody its workload.</summary>
    public bool Metrics { get; set; }
    /// <summary>A file holding the bearer token a scraper must send; without it /metrics answers anyone who reaches the port.</summary>
    public string? MetricsTokenFile { get; set; }

    public IEnumerable<ValidationResult> Validate(ValidationContext context)
    {
        if (SettingsCheck.FileExists(MetricsTokenFile, nameof(MetricsTokenFile)) is { } missing) yield return missing;
        else if (!string.IsNullOrEmpty(MetricsTokenFile) && SettingsCheck.ReadSecret(null, MetricsTokenFile)!.Length < 16)
            yield return new("the token in this file must have at least 16 characters.", [nameof(MetricsTokenFile)]);
    }
}
