using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace ReleaseGate.Stack.Tests;

/// <summary>deploy/stack.yml and the README's commands for it: they parse, and they say what the README promises.</summary>
public partial class StackFileTests
{
    private static readonly string StackFile = Path.Combine(Repo.Root, "deploy", "stack.yml");
    private static readonly string Readme = File.ReadAllText(Path.Combine(Repo.Root, "README.md"));

    [GeneratedRegex(@"^\|\s*`(ReleaseGate__[A-Za-z0-9_]+)`\s*\|", RegexOptions.Multiline)]
    private static partial Regex VariableRow();

    [GeneratedRegex(@"docker secret create (\S+) -")]
    private static partial Regex SecretCreate();

    [GeneratedRegex(@"docker build [^\n]*?-t (\S+) (\S+)")]
    private static partial Regex Build();

    private static YamlMappingNode Service(string name)
    {
        var yaml = new YamlStream();
        using (var reader = File.OpenText(StackFile)) yaml.Load(reader);
        var root = (YamlMappingNode)yaml.Documents[0].RootNode;
        return (YamlMappingNode)((YamlMappingNode)root["services"])[name];
    }

    private static string At(YamlMappingNode node, params string[] path)
    {
        YamlNode current = node;
        foreach (var key in path) current = ((YamlMappingNode)current)[key];
        return ((YamlScalarNode)current).Value!;
    }

    [Fact]
    public void The_portal_runs_two_replicas_on_postgres_updated_start_first_with_rollback()
    {
        var portal = Service("portal");
        Assert.Equal("2", At(portal, "deploy", "replicas"));
        Assert.Equal("start-first", At(portal, "deploy", "update_config", "order"));
        Assert.Equal("rollback", At(portal, "deploy", "update_config", "failure_action"));
        Assert.Equal("start-first", At(portal, "deploy", "rollback_config", "order"));
        Assert.Equal("Postgres", At(portal, "environment", "ReleaseGate__Database__Provider"));
        Assert.NotNull(portal["healthcheck"]);
        // The database keeps one server per data directory.
        Assert.Equal("stop-first", At(Service("db"), "deploy", "update_config", "order"));
    }

    [Fact]
    public void Secrets_reach_the_portal_and_the_database_as_files_never_as_variables()
    {
        foreach (var name in new[] { "portal", "db" })
        {
            var service = Service(name);
            var attached = ((YamlSequenceNode)service["secrets"]).Select(s => At((YamlMappingNode)s, "source")).ToHashSet();
            var environment = (YamlMappingNode)service["environment"];
            foreach (var (key, value) in environment.Select(e => (((YamlScalarNode)e.Key).Value!, ((YamlScalarNode)e.Value).Value!)))
            {
                Assert.False(Regex.IsMatch(key, "(Password|Secret)$", RegexOptions.IgnoreCase), $"{name}: {key} holds a secret in the environment");
                if (Regex.IsMatch(key, "(PasswordFile|SecretFile|_FILE)$", RegexOptions.IgnoreCase))
                {
                    Assert.StartsWith("/run/secrets/", value);
                    Assert.Contains(value["/run/secrets/".Length..], attached);
                }
            }
        }
    }

    [Fact]
    public void Every_address_outside_the_stack_credential_and_engine_connection_is_a_variable_or_a_secret()
    {
        var portal = Service("portal");
        var outside = ((YamlMappingNode)portal["environment"])
            .Select(e => (Key: ((YamlScalarNode)e.Key).Value!, Value: ((YamlScalarNode)e.Value).Value!))
            .Where(e => Regex.IsMatch(e.Key, "__(Registries|Smtp|Jenkins)__|DockerHost$|PublicHost$|PublicUrl$")).ToList();
        Assert.Contains(outside, e => e.Key == "ReleaseGate__Registries__StagingName");
        Assert.Contains(outside, e => e.Key == "ReleaseGate__Smtp__PasswordFile");
        Assert.All(outside, e => Assert.True(e.Value.StartsWith("${", StringComparison.Ordinal) || e.Value.StartsWith("/run/secrets/", StringComparison.Ordinal),
            $"{e.Key}: {e.Value} is written into the file"));
        // The default engine is the socket of a manager: mounted, and the replicas placed on managers.
        Assert.Contains(((YamlSequenceNode)portal["volumes"]).Select(v => ((YamlScalarNode)v).Value!), v => v.EndsWith(":/var/run/docker.sock", StringComparison.Ordinal));
        Assert.Contains("node.role == manager", ((YamlSequenceNode)portal["deploy"]["placement"]["constraints"]).Select(c => ((YamlScalarNode)c).Value));
        Assert.StartsWith("1654:${", At(portal, "user"));
    }

    [Fact]
    public void Every_portal_variable_in_the_stack_file_is_a_documented_setting()
    {
        var documented = VariableRow().Matches(Readme).Select(m => m.Groups[1].Value).ToHashSet();
        var used = ((YamlMappingNode)Service("portal")["environment"]).Select(e => ((YamlScalarNode)e.Key).Value!).ToList();
        Assert.NotEmpty(used);
        Assert.All(used, v => Assert.Contains(v, documented));
    }

    [Fact]
    public void The_readme_creates_the_secrets_and_builds_the_images_the_stack_file_names()
    {
        var section = Readme[Readme.IndexOf("## Running the portal on your own Swarm", StringComparison.Ordinal)..];
        section = section[..(section.IndexOf("\n## ", 5, StringComparison.Ordinal) is var end and > 0 ? end : section.Length)];
        var stack = File.ReadAllText(StackFile);

        var secrets = SecretCreate().Matches(section).Select(m => m.Groups[1].Value).ToHashSet();
        Assert.Contains("releasegate_admin_password", secrets);
        Assert.Contains("releasegate_db_password", secrets);
        foreach (var secret in secrets) Assert.Contains($":-{secret}}}", stack);

        var builds = Build().Matches(section).Select(m => (Tag: m.Groups[1].Value, Context: m.Groups[2].Value)).ToList();
        Assert.Equal(3, builds.Count);
        foreach (var (tag, context) in builds)
        {
            Assert.True(File.Exists(Path.Combine(Repo.Root, context, "Dockerfile")), $"README builds {tag} from {context}, which has no Dockerfile");
            Assert.Contains($":-{tag}}}", stack);
            Assert.Contains("HEALTHCHECK", File.ReadAllText(Path.Combine(Repo.Root, context, "Dockerfile")));
        }
        Assert.Contains("docker stack deploy --resolve-image never -c deploy/stack.yml releasegate", section);
    }

    [Fact]
    public async Task Docker_reads_the_stack_file()
    {
        // `docker stack config` (CLI 20.10 and later with the stack plugin; Debian's 20.10 client lacks it): the file
        // as Docker merges and interpolates it. The deploy itself is PortalStackTests.
        var help = await Docker.RunAsync(["stack", "config", "--help"]);
        Assert.SkipUnless(help.Code == 0 && help.Out.Contains("compose-file"), "this docker CLI has no `stack config`");
        var config = await Docker.RunAsync(["stack", "config", "-c", "deploy/stack.yml"], environment: new Dictionary<string, string> { ["RELEASEGATE_DOCKER_GID"] = "999", ["RELEASEGATE_JENKINS_APPLICATIONS"] = "*" });
        Assert.True(config.Code == 0, config.Err);
        Assert.Contains("order: start-first", config.Out);
        Assert.Contains("image: releasegate/portal:latest", config.Out);
        Assert.Contains("published: 8080", config.Out);
    }
}
