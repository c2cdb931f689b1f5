using System.Text.RegularExpressions;

namespace ReleaseGate.Core.Applications;

/// <summary>Reads the portal's own environment for a secret variable's value; null when it is not set.</summary>
public interface ISecretValues
{
    string? Find(string environmentName);
}

/// <summary>
/// A variable declared as <c>{ fromEnvironment: NAME }</c>: its value is read from the portal's environment when a
/// container or service needs it, and is never stored, returned, shown, audited or logged. What is kept is this
/// reference, in the same text form everywhere (file, form, database).
/// </summary>
public static partial class SecretVariable
{
    [GeneratedRegex(@"^\{\s*fromEnvironment\s*:\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}$")]
    private static partial Regex Pattern();

    public static string Reference(string environmentName) => $"{{ fromEnvironment: {environmentName} }}";

    public static bool TryParse(string? value, out string environmentName)
    {
        var match = value is null ? null : Pattern().Match(value.Trim());
        environmentName = match is { Success: true } ? match.Groups[1].Value : "";
        return match is { Success: true };
    }

    /// <summary>The secret variables among <paramref name="variables"/>: (variable, environment name).</summary>
    public static IEnumerable<(string Variable, string EnvironmentName)> In(IReadOnlyDictionary<string, string> variables) =>
        variables.Select(kv => (kv.Key, Secret: TryParse(kv.Value, out var name), name)).Where(x => x.Secret).Select(x => (x.Key, x.name));

    /// <summary>Every secret variable an application declares, with where: testEnvironment or swarm.</summary>
    public static IEnumerable<(string Where, string Variable, string EnvironmentName)> Of(Application a) =>
        In(a.TestEnvironment.EnvironmentVariables).Select(x => ("testEnvironment", x.Variable, x.EnvironmentName))
            .Concat(In(a.Swarm.EnvironmentVariables).Select(x => ("swarm", x.Variable, x.EnvironmentName)));

    /// <summary>The variables as a container gets them: plain ones as written, secret ones read now (null: missing).</summary>
    public static Dictionary<string, string?> Resolve(IReadOnlyDictionary<string, string> variables, ISecretValues secrets) =>
        variables.ToDictionary(kv => kv.Key, kv => TryParse(kv.Value, out var name) ? secrets.Find(name) : kv.Value);

    /// <summary>"set" or "missing": all that is ever told of a secret's value.</summary>
    public static string State(string environmentName, ISecretValues secrets) => secrets.Find(environmentName) is null ? "missing" : "set";
}
