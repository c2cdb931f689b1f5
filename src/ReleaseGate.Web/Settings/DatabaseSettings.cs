using System.ComponentModel.DataAnnotations;

namespace ReleaseGate.Web.Settings;

/// <summary>ReleaseGate__Database__*: where the portal keeps its state (and Quartz its schedule).</summary>
public sealed class DatabaseSettings : ISettings, IValidatableObject
{
    public const string Sqlite = "Sqlite";
    public const string Postgres = "Postgres";
    public const string SqliteDefault = "Data Source=data/releasegate.db";

    public static string Section => "ReleaseGate:Database";

    /// <summary>Sqlite: one replica, a file. Postgres: one server shared by several replicas.</summary>
    [Required, AllowedValues(Sqlite, Postgres)] public string Provider { get; set; } = Sqlite;

    [Required] public string ConnectionString { get; set; } = SqliteDefault;

    public bool IsPostgres => Provider == Postgres;

    public IEnumerable<ValidationResult> Validate(ValidationContext context)
    {
        // Npgsql reads "Data Source" as a host name: the SQLite default would fail later, naming no variable.
        if (IsPostgres && ConnectionString == SqliteDefault)
            yield return new("must be an Npgsql connection string (Host=…;Database=…;Username=…;Password=…) when the provider is Postgres.", [nameof(ConnectionString)]);
    }
}
