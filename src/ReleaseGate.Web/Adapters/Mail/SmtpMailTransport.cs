using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Options;
using MimeKit;
using ReleaseGate.Core.Mail;
using ReleaseGate.Web.Settings;

namespace ReleaseGate.Web.Adapters.Mail;

/// <summary>Sends outbox rows through the configured SMTP server with MailKit.</summary>
public sealed class SmtpMailTransport(IOptions<SmtpSettings> options) : IMailTransport
{
    public async Task SendAsync(OutboxMessage message, CancellationToken ct)
    {
        var s = options.Value;
        var mime = new MimeMessage
        {
            Subject = message.Subject,
            // Fixed when queued: a mail re-sent after a crash carries the same id, so clients fold it.
            MessageId = message.MessageId,
            Body = new BodyBuilder { TextBody = message.TextBody, HtmlBody = message.HtmlBody }.ToMessageBody(),
        };
        mime.From.Add(MailboxAddress.Parse(s.From));
        foreach (var to in message.To) mime.To.Add(MailboxAddress.Parse(to));
        mime.Headers.Add("X-ReleaseGate-Kind", message.Kind);

        using var smtp = new SmtpClient { Timeout = 30_000 };
        await smtp.ConnectAsync(s.Host, s.Port, s.Security switch
        {
            SmtpSecurity.StartTls => SecureSocketOptions.StartTls,
            SmtpSecurity.SslOnConnect => SecureSocketOptions.SslOnConnect,
            SmtpSecurity.Auto => SecureSocketOptions.Auto,
            _ => SecureSocketOptions.None,
        }, ct);
        if (!string.IsNullOrEmpty(s.UserName))
        {
            // A password over a connection without TLS can be read by anyone on the path: only when told to.
            if (!smtp.IsSecure && !s.AllowPlainTextPassword)
                throw new InvalidOperationException($"Refusing to send the SMTP password to {s.Host}:{s.Port} over a connection without TLS; " +
                    "set ReleaseGate__Smtp__Security to StartTls or SslOnConnect, or ReleaseGate__Smtp__AllowPlainTextPassword=true.");
            await smtp.AuthenticateAsync(s.UserName, s.ResolvePassword() ?? "", ct);
        }
        await smtp.SendAsync(mime, ct);
        await smtp.DisconnectAsync(quit: true, ct);
    }
}
