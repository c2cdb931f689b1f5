using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Reflection;

namespace ReleaseGate.Web.Settings;

/// <summary>An options class bound to one configuration section (ReleaseGate__Smtp__Port ⇒ ReleaseGate:Smtp).</summary>
public interface ISettings
{
    static abstract string Section { get; }
}

/// <summary>A start refused because a variable is missing or wrong; the message names each one.</summary>
public sealed class InvalidSettingsException(IReadOnlyList<string> problems)
    : Exception("The configuration is invalid:\n  " + string.Join("\n  ", problems))
{
    public IReadOnlyList<string> Problems { get; } = problems;
}

public static class SettingsCheck
{
    /// <summary>The environment-variable spelling of a setting, as people set it.</summary>
    public static string VariableName(string section, string property) =>
        $"{section.Replace(":", "__")}__{property}";

    /// <summary>
    /// Binds and validates one settings class, turning binder and annotation failures into lines
    /// that name the variable, because "Failed to convert 'ReleaseGate:Smtp:Port'" helps nobody at 3 a.m.
    /// </summary>
    public static IEnumerable<string> Problems<T>(IConfiguration configuration) where T : class, ISettings, new()
    {
        var section = configuration.GetSection(T.Section);
        var problems = new List<string>();
        foreach (var property in typeof(T).GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite))
        {
            var raw = section[property.Name];
            if (raw is null || property.PropertyType == typeof(string)) continue;
            try { TypeDescriptor.GetConverter(property.PropertyType).ConvertFromInvariantString(raw); }
            catch (Exception) { problems.Add($"{VariableName(T.Section, property.Name)}: '{raw}' is not a valid {Describe(property.PropertyType)}."); }
        }
        if (problems.Count > 0) return problems;

        var settings = section.Get<T>() ?? new T();
        var results = new List<ValidationResult>();
        Validator.TryValidateObject(settings, new ValidationContext(settings), results, validateAllProperties: true);
        foreach (var result in results)
        {
            var names = result.MemberNames.Any() ? result.MemberNames : [""];
            problems.AddRange(names.Select(n => $"{VariableName(T.Section, n)}: {result.ErrorMessage}"));
        }
        return problems;
    }

    private static string Describe(Type type) =>
        Nullable.GetUnderlyingType(type) is { } inner ? Describe(inner)
        : type.IsEnum ? "value (one of " + string.Join(", ", Enum.GetNames(type)) + ")"
        : type == typeof(int) ? "whole number"
        : type == typeof(bool) ? "boolean (true or false)"
        : type == typeof(Uri) ? "absolute URL"
        : type.Name;

    /// <summary>Reads a secret given inline or, for Docker secrets, from a file.</summary>
    public static string? ReadSecret(string? value, string? file) =>
        !string.IsNullOrEmpty(file) ? File.ReadAllText(file).TrimEnd('\r', '\n') : value;

    internal static ValidationResult? FileExists(string? path, string member) =>
        string.IsNullOrEmpty(path) || File.Exists(path) ? null
        : new ValidationResult($"the file '{path}' does not exist.", [member]);
}

/// <summary>Registers a settings class so a wrong value stops the start, with the variable's name.</summary>
public static class SettingsRegistration
{
    public static List<string> AddSettings<T>(this IHostApplicationBuilder builder, List<string> problems)
        where T : class, ISettings, new()
    {
        problems.AddRange(SettingsCheck.Problems<T>(builder.Configuration));
        builder.Services.AddOptions<T>().Bind(builder.Configuration.GetSection(T.Section));
        return problems;
    }
}
