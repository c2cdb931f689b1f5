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

    /// <summary>Each problem, naming its field in camelCase as the applications file spells it.</summary>
    public static IEnumerable<FieldProblem> Problems(Application a)
    {
        if (!SlugPattern().IsMatch(a.Slug ?? ""))
            yield return new FieldProblem("slug", "must be lower-case letters, digits and dashes (e.g. orders-api).", "必须由小写字母、数字和短横线组成(例如 orders-api)。");
        if (!RepositoryPattern().IsMatch(a.StagingRepository ?? ""))
            yield return new FieldProblem("stagingRepository", "must look like host:port/name, without a tag.", "格式必须为 host:port/name,且不带标签。");
        if (!RepositoryPattern().IsMatch(a.ProductionRepository ?? ""))
            yield return new FieldProblem("productionRepository", "must look like host:port/name, without a tag.", "格式必须为 host:port/name,且不带标签。");
        if (string.Equals(a.StagingRepository, a.ProductionRepository, StringComparison.Ordinal))
            yield return new FieldProblem("productionRepository", "must differ from the staging repository.", "必须与预发布仓库不同。");
        // Empty: a registry-only application, released once the production registry serves the signed digest.
        if (!string.IsNullOrEmpty(a.SwarmService) && !ContainerNamePattern().IsMatch(a.SwarmService))
            yield return new FieldProblem("swarmService", "must be a Swarm service name (letters, digits, '-', '_', '.'), or empty for a registry-only application.",
                "必须是 Swarm 服务名(字母、数字、'-'、'_'、'.'),仅镜像仓库的应用留空。");
        if (a.RequiredApprovals is < 1 or > 20)
            yield return new FieldProblem("requiredApprovals", "must be between 1 and 20.", "必须在 1 到 20 之间。");
        foreach (var (field, list) in new[] { ("teamEmails", a.TeamEmails), ("qaEmails", a.QaEmails) })
            foreach (var mail in list.Where(m => !MailAddress.TryCreate(m, out _)))
                yield return new FieldProblem(field, $"'{mail}' is not a mail address.", $"'{mail}' 不是有效的邮箱地址。");

        foreach (var problem in EnvironmentProblems("testEnvironment", a.TestEnvironment)) yield return problem;
        if (a.Development is { } d)
        {
            foreach (var problem in EnvironmentProblems("development", d)) yield return problem;
            // Both run on the test host side by side: neither may take the other's name or port.
            if (string.Equals(d.ContainerName, a.TestEnvironment.ContainerName, StringComparison.Ordinal))
                yield return new FieldProblem("development.containerName", "must differ from the test environment's container name.", "必须与测试环境的容器名不同。");
            if (d.PublishedPort == a.TestEnvironment.PublishedPort)
                yield return new FieldProblem("development.publishedPort", "must differ from the test environment's published port.", "必须与测试环境的发布端口不同。");
        }

        var r = a.Rollout;
        if (r.Parallelism is < 0 or > 100) yield return new FieldProblem("rollout.parallelism", "must be between 0 (all at once) and 100.", "必须在 0(全部同时)到 100 之间。");
        if (r.DelaySeconds is < 0 or > 3600) yield return new FieldProblem("rollout.delaySeconds", "must be between 0 and 3600.", "必须在 0 到 3600 之间。");
        if (r.MonitorSeconds is < 0 or > 3600) yield return new FieldProblem("rollout.monitorSeconds", "must be between 0 and 3600.", "必须在 0 到 3600 之间。");
        if (r.MaxFailureRatio is < 0 or > 1) yield return new FieldProblem("rollout.maxFailureRatio", "must be between 0 and 1.", "必须在 0 到 1 之间。");
        if (r.TimeoutSeconds is < 1 or > 86400) yield return new FieldProblem("rollout.timeoutSeconds", "must be between 1 and 86400.", "必须在 1 到 86400 之间。");
        if (r.SmokeUrl.Length > 0 && (!Uri.TryCreate(r.SmokeUrl, UriKind.Absolute, out var smoke) || smoke.Scheme is not ("http" or "https")))
            yield return new FieldProblem("rollout.smokeUrl", "must be an absolute http or https URL.", "必须是完整的 http 或 https 地址。");

        var sw = a.Swarm;
        if (sw.Replicas is < 0 or > 100) yield return new FieldProblem("swarm.replicas", "must be between 0 and 100.", "必须在 0 到 100 之间。");
        if (sw.StopGracePeriodSeconds is < 0 or > 3600) yield return new FieldProblem("swarm.stopGracePeriodSeconds", "must be between 0 and 3600.", "必须在 0 到 3600 之间。");
        foreach (var port in sw.PublishedPorts.Where(p => !IsPortPair(p)))
            yield return new FieldProblem("swarm.publishedPorts", $"'{port}' must be PUBLISHED:TARGET (or one port), each between 1 and 65535.", $"'{port}' 必须是 发布端口:目标端口(或单个端口),均在 1 到 65535 之间。");
    }

    /// <summary>A container on the test host (the test environment, or the development one), its fields under <paramref name="prefix"/>.</summary>
    private static IEnumerable<FieldProblem> EnvironmentProblems(string prefix, TestEnvironmentSpec t)
    {
        if (!ContainerNamePattern().IsMatch(t.ContainerName ?? ""))
            yield return new FieldProblem($"{prefix}.containerName", "must be a container name (letters, digits, '-', '_', '.').", "必须是容器名(字母、数字、'-'、'_'、'.')。");
        if (t.PublishedPort is < 1 or > 65535)
            yield return new FieldProblem($"{prefix}.publishedPort", "must be a port between 1 and 65535.", "必须是 1 到 65535 之间的端口。");
        if (t.ContainerPort is < 1 or > 65535)
            yield return new FieldProblem($"{prefix}.containerPort", "must be a port between 1 and 65535.", "必须是 1 到 65535 之间的端口。");
        if (string.IsNullOrEmpty(t.HealthPath) || t.HealthPath[0] != '/')
            yield return new FieldProblem($"{prefix}.healthPath", "must start with '/'.", "必须以 '/' 开头。");
        if (t.HealthTimeoutSeconds is < 1 or > 3600)
            yield return new FieldProblem($"{prefix}.healthTimeoutSeconds", "must be between 1 and 3600.", "必须在 1 到 3600 之间。");
    }

    /// <summary>"8080" or "18080:8080": what the Swarm adapter publishes in host mode.</summary>
    private static bool IsPortPair(string text) =>
        text.Split(':') is { Length: 1 or 2 } parts && parts.All(p => int.TryParse(p, out var n) && n is >= 1 and <= 65535);
}
