using System.Globalization;
using ReleaseGate.Core.Applications;
using ReleaseGate.Core.Schedule;
using ReleaseGate.Web.Settings;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace ReleaseGate.Web.Applications;

/// <summary>A bad applications file: the message names the file, line and field at fault.</summary>
public sealed class ApplicationsFileException(string message) : Exception(message);

/// <summary>
/// Reads the applications a team keeps in Git (YAML, or JSON, which YAML reads too) and
/// creates or updates them at start.
/// </summary>
public static class ApplicationsFile
{
    private sealed class Document
    {
        public List<Application> Applications { get; set; } = [];
        public List<WindowEntry> Windows { get; set; } = [];
        public List<FreezeEntry> Freezes { get; set; } = [];
    }

    // The API's fields; times as text, so a bad one is reported with its line rather than as a YAML type error.
    private sealed class WindowEntry
    {
        public string? Name { get; set; }
        public string? CutoffAt { get; set; }
        public string? Cron { get; set; }
        public string? TimeZone { get; set; }
        public List<string>? Applications { get; set; }
        public int ReminderHours { get; set; }
    }

    private sealed class FreezeEntry
    {
        public string? Reason { get; set; }
        public string? StartsAt { get; set; }
        public string? EndsAt { get; set; }
        public string? StartCron { get; set; }
        public string? EndCron { get; set; }
        public string? TimeZone { get; set; }
        public List<string>? Applications { get; set; }
    }

    /// <summary>What the file declares: applications, and the release calendar beside them.</summary>
    public sealed record Declared(List<Application> Applications, List<ReleaseWindowForm> Windows, List<FreezeForm> Freezes, YamlNode? Root);

    public static async Task SyncAtStartAsync(IServiceProvider services)
    {
        var settings = services.GetRequiredService<Microsoft.Extensions.Options.IOptions<PortalSettings>>().Value;
        if (string.IsNullOrEmpty(settings.ApplicationsFile)) return;
        var declared = ReadAll(settings.ApplicationsFile);
        var source = Path.GetFileName(settings.ApplicationsFile);
        var (created, updated) = await services.GetRequiredService<SyncDeclaredApplications>().RunAsync(declared.Applications, source);
        // After the applications: a window may name one the file has just created.
        var schedule = await services.GetRequiredService<SyncDeclaredSchedule>().RunAsync(declared.Windows, declared.Freezes, source);
        if (schedule.Value is { Count: > 0 } problems)
            throw new ApplicationsFileException(string.Join("\n", problems.Select(p =>
                $"{settings.ApplicationsFile}:{LineOf(declared.Root, p.List, p.Index, p.Problem.Field)}: {p.List}[{p.Index}].{p.Problem.Field} {p.Problem.Message}")));
        services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(ApplicationsFile))
            .LogInformation("Applications file {File}: {Created} created, {Updated} updated, {Windows} windows, {Freezes} freezes",
                settings.ApplicationsFile, created, updated, declared.Windows.Count, declared.Freezes.Count);
    }

    public static List<Application> Read(string path) => ReadAll(path).Applications;

    public static Declared ReadAll(string path)
    {
        var text = File.ReadAllText(path);
        var deserializer = new DeserializerBuilder()
            .WithNamingConvention(CamelCaseNamingConvention.Instance)
            .WithCaseInsensitivePropertyMatching()
            .Build();
        Document document;
        var secretProblems = new List<string>();
        try
        {
            document = deserializer.Deserialize<Document?>(SecretsAsReferences(text, path, secretProblems)) ?? new Document();
        }
        catch (YamlException e)
        {
            var reason = (e.InnerException ?? e).Message;
            throw new ApplicationsFileException($"{path}:{e.Start.Line}: {reason}");
        }

        var root = LoadRoot(text);
        var problems = secretProblems;
        for (var i = 0; i < document.Applications.Count; i++)
        {
            var app = document.Applications[i];
            foreach (var (field, message, _) in ApplicationRules.Problems(app))
                problems.Add($"{path}:{LineOf(root, "applications", i, field)}: applications[{i}].{field} {message}");
        }
        foreach (var dup in document.Applications.GroupBy(a => a.Slug).Where(g => g.Count() > 1))
            problems.Add($"{path}: applications: the slug '{dup.Key}' is declared {dup.Count()} times.");
        DateTimeOffset? Instant(string list, int i, string field, string? text)
        {
            if (string.IsNullOrWhiteSpace(text)) return null;
            if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at)) return at;
            problems.Add($"{path}:{LineOf(root, list, i, field)}: {list}[{i}].{field} '{text}' is not a time such as 2026-12-24T18:00:00+08:00.");
            return null;
        }
        var windows = document.Windows.Select((w, i) => new ReleaseWindowForm(null, w.Name, Instant("windows", i, "cutoffAt", w.CutoffAt),
            w.Cron, w.TimeZone, w.Applications, w.ReminderHours)).ToList();
        var freezes = document.Freezes.Select((f, i) => new FreezeForm(null, f.Reason, Instant("freezes", i, "startsAt", f.StartsAt),
            Instant("freezes", i, "endsAt", f.EndsAt), f.StartCron, f.EndCron, f.TimeZone, f.Applications)).ToList();
        if (problems.Count > 0) throw new ApplicationsFileException(string.Join("\n", problems));
        return new Declared(document.Applications, windows, freezes, root);
    }

    /// <summary>
    /// <c>NAME: { fromEnvironment: PORTAL_VAR }</c> anywhere in the file becomes the reference text a variable holds
    /// (<see cref="SecretVariable"/>), so the variables stay a map of strings; a bad name is a problem with its line.
    /// </summary>
    private static string SecretsAsReferences(string text, string path, List<string> problems)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (Exception e) when (e is YamlException or InvalidOperationException)
        {
            return text; // broken YAML: the deserializer names its line
        }
        var changed = false;
        void Walk(YamlNode node)
        {
            if (node is YamlSequenceNode list) foreach (var item in list.Children) Walk(item);
            if (node is not YamlMappingNode map) return;
            foreach (var (key, value) in map.Children.ToList())
            {
                if (value is YamlMappingNode { Children.Count: 1 } inner && inner.Children.Single() is var (k, v)
                    && string.Equals((k as YamlScalarNode)?.Value, "fromEnvironment", StringComparison.OrdinalIgnoreCase))
                {
                    var name = (v as YamlScalarNode)?.Value ?? "";
                    if (!SecretVariable.TryParse(SecretVariable.Reference(name), out _))
                        problems.Add($"{path}:{v.Start.Line}: {(key as YamlScalarNode)?.Value}.fromEnvironment must name an environment variable (letters, digits and _), not '{name}'.");
                    map.Children[key] = new YamlScalarNode(SecretVariable.Reference(name)) { Style = YamlDotNet.Core.ScalarStyle.DoubleQuoted };
                    changed = true;
                }
                else Walk(value);
            }
        }
        foreach (var document in stream.Documents) Walk(document.RootNode);
        if (!changed) return text;
        var written = new StringWriter();
        stream.Save(written, assignAnchors: false);
        return written.ToString();
    }

    private static YamlNode? LoadRoot(string text)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(text));
        return stream.Documents.FirstOrDefault()?.RootNode;
    }

    /// <summary>The line of list[i].a.b, or of the nearest node that exists on that path.</summary>
    private static long LineOf(YamlNode? root, string listName, int index, string field)
    {
        var node = Child(root, listName) is YamlSequenceNode list && index < list.Children.Count ? list.Children[index] : root;
        var line = node?.Start.Line ?? 1;
        foreach (var part in field.Split('.'))
        {
            node = Child(node, part);
            if (node is null) break;
            line = node.Start.Line;
        }
        return line;
    }

    private static YamlNode? Child(YamlNode? node, string key) =>
        node is YamlMappingNode map
            ? map.Children.FirstOrDefault(kv => string.Equals((kv.Key as YamlScalarNode)?.Value, key, StringComparison.OrdinalIgnoreCase)).Value
            : null;
}
