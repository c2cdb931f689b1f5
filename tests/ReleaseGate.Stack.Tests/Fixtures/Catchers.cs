using System.Text;
using System.Text.RegularExpressions;
using MimeKit;

namespace ReleaseGate.Stack.Tests;

/// <summary>The mail catcher stand-in (aiosmtpd): every mail it received, read back from its container's log.</summary>
public static partial class MailCatcher
{
    /// <summary>The first mail <paramref name="service"/> printed to <paramref name="to"/> whose subject has <paramref name="subject"/>.</summary>
    public static async Task<MimeMessage?> FindAsync(string service, string to, string subject)
    {
        var catcher = (await Docker.OkAsync("ps", "-q", "--filter", $"label=com.docker.swarm.service.name={service}")).Split('\n')[0];
        var log = await Docker.RunAsync(["logs", catcher]);
        foreach (Match m in Framed().Matches(log.Out + log.Err))
        {
            using var raw = new MemoryStream(Encoding.UTF8.GetBytes(m.Groups[1].Value));
            var message = await MimeMessage.LoadAsync(raw, TestContext.Current.CancellationToken);
            if (message.To.Mailboxes.Any(b => b.Address == to) && (message.Subject ?? "").Contains(subject, StringComparison.Ordinal)) return message;
        }
        return null;
    }

    /// <summary>aiosmtpd's Debugging handler frames each message it prints (after the MAIL and RCPT options, if any).</summary>
    [GeneratedRegex(@"-{10} MESSAGE FOLLOWS -{10}\r?\n(?:(?:mail|rcpt) options:[^\n]*\n)*(?:\r?\n)?(.*?)\r?\n-{12} END MESSAGE -{12}", RegexOptions.Singleline)]
    private static partial Regex Framed();
}

/// <summary>What production runs, as the engine reports it.</summary>
public static class Production
{
    /// <summary>The service's spec names <paramref name="repository"/> at <paramref name="digest"/>, and its running task's image is that digest.</summary>
    public static async Task AssertRunsAsync(string service, string repository, string digest)
    {
        var image = await Docker.OkAsync("service", "inspect", "-f", "{{.Spec.TaskTemplate.ContainerSpec.Image}}", service);
        Assert.StartsWith(repository, image);
        Assert.EndsWith($"@{digest}", image);
        var task = (await Docker.OkAsync("ps", "-q", "--filter", $"label=com.docker.swarm.service.name={service}")).Split('\n')[0];
        Assert.Contains($"@{digest}", await Docker.OkAsync("image", "inspect", "-f", "{{join .RepoDigests \",\"}}", await Docker.OkAsync("inspect", "-f", "{{.Image}}", task)));
    }
}
