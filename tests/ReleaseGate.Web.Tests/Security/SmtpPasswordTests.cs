using Microsoft.Extensions.Options;
using ReleaseGate.Core.Mail;
using ReleaseGate.Web.Adapters.Mail;
using ReleaseGate.Web.Settings;

namespace ReleaseGate.Web.Tests;

/// <summary>The SMTP password never crosses a connection without TLS unless the operator says so.</summary>
public class SmtpPasswordTests
{
    private static OutboxMessage Message() => new() { To = ["qa@example.com"], Subject = "s", TextBody = "t", HtmlBody = "<p>t</p>" };

    [Fact]
    public async Task A_password_over_plain_smtp_is_refused_unless_allowed()
    {
        await using var sink = new MailSink().Start();
        var settings = new SmtpSettings { Port = sink.Port, UserName = "mailer", Password = "secret-password" };

        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            new SmtpMailTransport(Options.Create(settings)).SendAsync(Message(), TestContext.Current.CancellationToken));
        Assert.Contains("AllowPlainTextPassword", refused.Message);
        Assert.Empty(sink.Received);
    }
}
