using System.ComponentModel.DataAnnotations;
using Npgsql;

namespace ReleaseGate.Web.Settings;

/// <summary>ReleaseGate__Database__*: where the portal keeps its state (and Quartz its schedule).</summary>
public sealed class DatabaseSettings : ISettings, IValidatableObject
{
    public const string Sqlite = "Sqlite";
    public const string Postgres = "Postgres";
    public const string SqliteDefault = "Data Source=data/releasegate.db";

    public static string Section => "ReleaseGate:Database";

    /// <summary>Sqlite: one replica, a file. Postgres: one server shared by several replicas.</summary>
    [Required, AllowedValues(Sqlite, Postgres, ErrorMessage = "must be " + Sqlite + " or " + Postgres + ".")] public string Provider { get; set; } = Sqlite;

    [Required] public string ConnectionString { get; set; } = SqliteDefault;

    /// <summary>Postgres: a file (a Docker secret) holding the password, so the connection string in the environment carries none.</summary>
    public string? PasswordFile { get; set; }

    public bool IsPostgres => Provider == Postgres;

    /// <summary>The Npgsql connection string, with the password from <see cref="PasswordFile"/> when one is named.</summary>
    public string PostgresConnectionString() =>
        SettingsCheck.ReadSecret(null, PasswordFile) is { } password
            ? new NpgsqlConnectionStringBuilder(ConnectionString) { Password = password }.ConnectionString
            : ConnectionString;

    public IEnumerable<ValidationResult> Validate(ValidationContext context)
    {
        // Npgsql reads "Data Source" as a host name: the SQLite default would fail later, naming no variable.
        if (IsPostgres && ConnectionString == SqliteDefault)
            yield return new("must be an Npgsql connection string (Host=…;Database=…;Username=…;Password=…) when the provider is Postgres.", [nameof(ConnectionString)]);
        if (SettingsCheck.FileExists(PasswordFile, nameof(PasswordFile)) is { } missing) yield return missing;
        else if (!string.IsNullOrEmpty(PasswordFile) && !IsPostgres)
            yield return new("is read only when the provider is Postgres (SQLite has no password).", [nameof(PasswordFile)]);
    }
}
