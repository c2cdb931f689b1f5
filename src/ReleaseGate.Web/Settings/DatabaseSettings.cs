using System.ComponentModel.DataAnnotations;

namespace ReleaseGate.Web.Settings;

/// <summary>ReleaseGate__Database__*: where the portal keeps its state (and Quartz its schedule).</summary>
public sealed class DatabaseSettings : ISettings
{
    public static string Section => "ReleaseGate:Database";

    /// <summary>Only SQLite for now; PostgreSQL arrives with several replicas.</summary>
    [Required, AllowedValues("Sqlite")] public string Provider { get; set; } = "Sqlite";

    [Required] public string ConnectionString { get; set; } = "Data Source=data/releasegate.db";
}
