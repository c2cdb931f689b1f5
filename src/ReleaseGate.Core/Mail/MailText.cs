using System.Net;
using System.Text;

namespace ReleaseGate.Core.Mail;

/// <summary>
/// A mail in both languages the team reads (English, then Simplified Chinese), as plain text and HTML.
/// Everything that comes from outside (commit messages, log tails) is HTML-encoded here, in one place.
/// </summary>
public sealed class MailText
{
    private readonly StringBuilder text = new();
    private readonly StringBuilder html = new();

    public MailText Heading(string en, string zh)
    {
        text.Append(en).Append(" / ").AppendLine(zh).AppendLine();
        html.Append("<h2>").Append(Enc(en)).Append("<br><small>").Append(Enc(zh)).Append("</small></h2>");
        return this;
    }

    public MailText Line(string en, string zh)
    {
        text.AppendLine(en).AppendLine(zh).AppendLine();
        html.Append("<p>").Append(Enc(en)).Append("<br>").Append(Enc(zh)).Append("</p>");
        return this;
    }

    public MailText Field(string en, string zh, string value)
    {
        text.Append(en).Append(" / ").Append(zh).Append(": ").AppendLine(value);
        html.Append("<p><b>").Append(Enc(en)).Append(" / ").Append(Enc(zh)).Append(":</b> ").Append(Enc(value)).Append("</p>");
        return this;
    }

    public MailText Link(string en, string zh, string url)
    {
        text.Append(en).Append(" / ").Append(zh).Append(": ").AppendLine(url);
        html.Append("<p><a href=\"").Append(Enc(url)).Append("\">").Append(Enc(en)).Append(" / ").Append(Enc(zh)).Append("</a></p>");
        return this;
    }

    public MailText Preformatted(string en, string zh, string body)
    {
        text.Append(en).Append(" / ").Append(zh).AppendLine(":").AppendLine(body).AppendLine();
        html.Append("<p><b>").Append(Enc(en)).Append(" / ").Append(Enc(zh)).Append(":</b></p><pre>").Append(Enc(body)).Append("</pre>");
        return this;
    }

    public OutboxMessage ToMessage(string kind, IEnumerable<string> to, string subject, DateTimeOffset now) => new()
    {
        Kind = kind,
        To = to.Distinct(StringComparer.OrdinalIgnoreCase).ToList(),
        Subject = subject,
        TextBody = text.ToString(),
        HtmlBody = $"<!DOCTYPE html><html><body style=\"font-family:sans-serif\">{html}</body></html>",
        CreatedAt = now,
        NextAttemptAt = now,
    };

    private static string Enc(string s) => WebUtility.HtmlEncode(s);
}
