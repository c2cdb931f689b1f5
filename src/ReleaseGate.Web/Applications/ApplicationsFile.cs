using ReleaseGate.Core.Applications;
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
    }

    public static async Task SyncAtStartAsync(IServiceProvider services)
    {
        var settings = services.GetRequiredService<Microsoft.Extensions.Options.IOptions<PortalSettings>>().Value;
        if (string.IsNullOrEmpty(settings.ApplicationsFile)) return;
        var declared = Read(settings.ApplicationsFile);
        var (created, updated) = await services.GetRequiredService<SyncDeclaredApplications>()
            .RunAsync(declared, Path.GetFileName(settings.ApplicationsFile));
        services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(ApplicationsFile))
            .LogInformation("Applications file {File}: {Created} created, {Updated} updated", settings.ApplicationsFile, created, updated);
    }

    public static List<Application> Read(string path)
    {
        var text = File.ReadAllText(path);
        var deserializer = new DeserializerBuilder()
            .WithNamingConvention(CamelCaseNamingConvention.Instance)
            .WithCaseInsensitivePropertyMatching()
            .Build();
        Document document;
        try
        {
            document = deserializer.Deserialize<Document?>(text) ?? new Document();
        }
        catch (YamlException e)
        {
            var reason = (e.InnerException ?? e).Message;
            throw new ApplicationsFileException($"{path}:{e.Start.Line}: {reason}");
        }

        var root = LoadRoot(text);
        var problems = new List<string>();
        for (var i = 0; i < document.Applications.Count; i++)
        {
            var app = document.Applications[i];
            foreach (var (field, message, _) in ApplicationRules.Problems(app))
                problems.Add($"{path}:{LineOf(root, i, field)}: applications[{i}].{field} {message}");
        }
        foreach (var dup in document.Applications.GroupBy(a => a.Slug).Where(g => g.Count() > 1))
            problems.Add($"{path}: applications: the slug '{dup.Key}' is declared {dup.Count()} times.");
        if (problems.Count > 0) throw new ApplicationsFileException(string.Join("\n", problems));
        return document.Applications;
    }

    private static YamlNode? LoadRoot(string text)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(text));
        return stream.Documents.FirstOrDefault()?.RootNode;
    }

    /// <summary>The line of applications[i].a.b, or of the nearest node that exists on that path.</summary>
    private static long LineOf(YamlNode? root, int index, string field)
    {
        var node = Child(root, "applications") is YamlSequenceNode list && index < list.Children.Count ? list.Children[index] : root;
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
