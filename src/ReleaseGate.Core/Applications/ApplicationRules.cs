using System.Net.Mail;
using System.Text.RegularExpressions;

namespace ReleaseGate.Core.Applications;

/// <summary>What makes an application's settings valid, wherever they come from (file, admin page).</summary>
public static partial class ApplicationRules
{
    [GeneratedRegex("^[a-z0-9][a-z0-9-]{0,62}$")]
    public static partial Regex SlugPattern();

    /// <summary><c>host[:port]/path</c>, the form an image reference has before its tag or digest.</summary>
    [GeneratedRegex(@"^[a-zA-Z0-9.-]+(:[0-9]{1,5})?/[a-z0-9]+([._/-][a-z0-9]+)*$")]
    public static partial Regex RepositoryPattern();

    [GeneratedRegex("^[a-zA-Z0-9][a-zA-Z0-9_.-]*$")]
    private static partial Regex ContainerNamePattern();

    /// <summary>Each problem as (field in camelCase as files spell it, message).</summary>
    public static IEnumerable<(string Field, string Message)> Problems(Application a)
    {
        if (!SlugPattern().IsMatch(a.Slug ?? ""))
            yield return ("slug", "must be lower-case letters, digits and dashes (e.g. orders-api).");
        if (!RepositoryPattern().IsMatch(a.StagingRepository ?? ""))
            yield return ("stagingRepository", "must look like host:port/name, without a tag.");
        if (!RepositoryPattern().IsMatch(a.ProductionRepository ?? ""))
            yield return ("productionRepository", "must look like host:port/name, without a tag.");
        if (string.Equals(a.StagingRepository, a.ProductionRepository, StringComparison.Ordinal))
            yield return ("productionRepository", "must differ from the staging repository.");
        if (!ContainerNamePattern().IsMatch(a.SwarmService ?? ""))
            yield return ("swarmService", "must be a Swarm service name (letters, digits, '-', '_', '.').");
        if (a.RequiredApprovals is < 1 or > 20)
            yield return ("requiredApprovals", "must be between 1 and 20.");
        foreach (var (field, list) in new[] { ("teamEmails", a.TeamEmails), ("qaEmails", a.QaEmails) })
            foreach (var mail in list.Where(m => !MailAddress.TryCreate(m, out _)))
                yield return (field, $"'{mail}' is not a mail address.");

        var t = a.TestEnvironment;
        if (!ContainerNamePattern().IsMatch(t.ContainerName ?? ""))
            yield return ("testEnvironment.containerName", "must be a container name (letters, digits, '-', '_', '.').");
        if (t.PublishedPort is < 1 or > 65535)
            yield return ("testEnvironment.publishedPort", "must be a port between 1 and 65535.");
        if (t.ContainerPort is < 1 or > 65535)
            yield return ("testEnvironment.containerPort", "must be a port between 1 and 65535.");
        if (string.IsNullOrEmpty(t.HealthPath) || t.HealthPath[0] != '/')
            yield return ("testEnvironment.healthPath", "must start with '/'.");
        if (t.HealthTimeoutSeconds is < 1 or > 3600)
            yield return ("testEnvironment.healthTimeoutSeconds", "must be between 1 and 3600.");

        var r = a.Rollout;
        if (r.Parallelism is < 0 or > 100) yield return ("rollout.parallelism", "must be between 0 (all at once) and 100.");
        if (r.DelaySeconds is < 0 or > 3600) yield return ("rollout.delaySeconds", "must be between 0 and 3600.");
        if (r.MonitorSeconds is < 0 or > 3600) yield return ("rollout.monitorSeconds", "must be between 0 and 3600.");
    }
}
