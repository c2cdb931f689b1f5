using System.ComponentModel.DataAnnotations;

namespace ReleaseGate.Web.Settings;

public enum SmtpSecurity { None, StartTls, SslOnConnect, Auto }

/// <summary>ReleaseGate__Smtp__*: the mail server the outbox sends through.</summary>
public sealed class SmtpSettings : ISettings, IValidatableObject
{
    public static string Section => "ReleaseGate:Smtp";

    [Required] public string Host { get; set; } = "127.0.0.1";
    [Range(1, 65535)] public int Port { get; set; } = 2525;
    public SmtpSecurity Security { get; set; } = SmtpSecurity.None;
    public string? UserName { get; set; }
    public string? Password { get; set; }
    public string? PasswordFile { get; set; }
    [Required] public string From { get; set; } = "ReleaseGate <releasegate@localhost>";
    /// <summary>Send the password even over a connection without TLS (a trusted local relay only).</summary>
    public bool AllowPlainTextPassword { get; set; }
    /// <summary>Seconds between outbox sweeps.</summary>
    [Range(1, 3600)] public int PollSeconds { get; set; } = 5;

    public string? ResolvePassword() => SettingsCheck.ReadSecret(Password, PasswordFile);

    public IEnumerable<ValidationResult> Validate(ValidationContext context)
    {
        if (SettingsCheck.FileExists(PasswordFile, nameof(PasswordFile)) is { } missing) yield return missing;
        if (!MimeKit.MailboxAddress.TryParse(From, out _)) yield return new("is not a mail address.", [nameof(From)]);
    }
}
