using ReleaseGate.Core.Applications;

namespace ReleaseGate.Web.Adapters.Secrets;

/// <summary>The portal cannot start as configured; Program prints the one line and exits with 2.</summary>
public sealed class StartRefusedException(string message) : Exception(message);

/// <summary>
/// Secret variables' values from the portal's own environment: NAME, or the file NAME_FILE names (a Swarm or
/// Compose secret mounted under /run/secrets), read each time so a rotated secret is taken at the next deployment.
/// </summary>
public sealed class EnvironmentSecrets : ISecretValues
{
    public string? Find(string environmentName)
    {
        if (Environment.GetEnvironmentVariable(environmentName) is { Length: > 0 } value) return value;
        if (Environment.GetEnvironmentVariable(environmentName + "_FILE") is not { Length: > 0 } file || !File.Exists(file)) return null;
        // A secret file written by an editor or `echo` ends with a line break that is no part of the secret.
        return File.ReadAllText(file).TrimEnd('\r', '\n') is { Length: > 0 } content ? content : null;
    }

    /// <summary>
    /// At start: every secret variable of every application must be readable, or the portal says which one in one line
    /// (never a value) and exits with 2, as for a bad setting.
    /// </summary>
    public static string? MissingAtStart(IEnumerable<Application> applications, ISecretValues secrets)
    {
        var missing = applications.SelectMany(a => SecretVariable.Of(a).Select(s => (a.Slug, s.Where, s.Variable, s.EnvironmentName)))
            .Where(s => secrets.Find(s.EnvironmentName) is null).ToList();
        return missing.Count == 0 ? null : "ReleaseGate: secret variables are missing from the portal's environment: " + string.Join("; ",
            missing.Select(m => $"{m.Slug} {m.Where}.{m.Variable} reads {m.EnvironmentName} (or {m.EnvironmentName}_FILE), which is not set"));
    }
}
