using ReleaseGate.Core.Access;
using System.Globalization;
using System.Text;
using System.Text.Json;
using ReleaseGate.Core.Audit;
using ReleaseGate.Core.Users;

namespace ReleaseGate.Web.Api;

/// <summary>GET /api/v1/audit: the trail, newest first, as JSON, CSV or JSON lines (release managers and admins).</summary>
public static class AuditApi
{
    /// <summary>An export is one answer; past this, narrow it with after=.</summary>
    public const int MaxRows = 10_000;

    public sealed record AuditRow(long Sequence, DateTimeOffset At, ActorKind ActorKind, string Actor, string Action, string Subject,
        string Details, string PreviousHash, string Hash);

    public static RouteGroupBuilder MapAuditApi(this RouteGroupBuilder api)
    {
        api.MapGet("/audit", ExportAsync).WithSummary($"The audit trail, newest first (at most {MaxRows} rows): format=json (default), csv or jsonl")
            .Produces<List<AuditRow>>().Produces<string>(StatusCodes.Status200OK, "text/csv", "application/jsonl")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status403Forbidden).PersonCall().Needs(PortalAction.ReadAudit);
        return api;
    }

    private static async Task<IResult> ExportAsync(HttpContext http, ListAuditEvents list)
    {
        if (PersonOrSignature.Person(http) is null) return await MeApi.PeopleOnly(http);
        var q = http.Request.Query;
        var errors = new Dictionary<string, string[]>();
        var format = q["format"].ToString() is { Length: > 0 } f ? f.ToLowerInvariant() : "json";
        if (format is not ("json" or "csv" or "jsonl")) errors["format"] = ["must be json, csv or jsonl."];
        DateTimeOffset? after = null;
        if (q["after"].ToString() is { Length: > 0 } a)
        {
            if (DateTimeOffset.TryParse(a, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t)) after = t;
            else errors["after"] = ["must be an ISO 8601 time, e.g. 2026-11-30T08:00:00Z."];
        }
        if (errors.Count > 0) return await ApiProblems.InvalidAsync(http, errors);

        var rows = new List<AuditRow>();
        for (var page = 1; rows.Count < MaxRows; page++)
        {
            var found = await list.RunAsync(new AuditQuery(q["actor"], q["action"], q["subject"], page, 200, after), http.RequestAborted);
            rows.AddRange(found.Items.Select(e => new AuditRow(e.Sequence, e.At, e.ActorKind, e.Actor, e.Action, e.Subject, e.Details, e.PreviousHash, e.Hash)));
            if (page * found.PageSize >= found.Total) break;
        }
        return format switch
        {
            "csv" => Results.Text(Csv(rows), "text/csv; charset=utf-8"),
            "jsonl" => Results.Text(string.Concat(rows.Select(r => JsonSerializer.Serialize(r, ApiAnswer.JsonOptions) + "\n")), "application/jsonl; charset=utf-8"),
            _ => ApiAnswer.Of(StatusCodes.Status200OK, rows),
        };
    }

    private static string Csv(IEnumerable<AuditRow> rows)
    {
        var csv = new StringBuilder("sequence,at,actorKind,actor,action,subject,details,previousHash,hash\r\n");
        foreach (var r in rows)
            csv.AppendJoin(',', r.Sequence.ToString(CultureInfo.InvariantCulture), r.At.ToString("O", CultureInfo.InvariantCulture), r.ActorKind,
                Field(r.Actor), Field(r.Action), Field(r.Subject), Field(r.Details), r.PreviousHash, r.Hash).Append("\r\n");
        return csv.ToString();
    }

    /// <summary>
    /// RFC 4180: quoted when it holds a comma, a quote or a line break; quotes doubled. A cell a spreadsheet would read as a
    /// formula (starting with = + - @, a tab or a carriage return) is led by ' and quoted, so it stays text (OWASP's CSV injection).
    /// </summary>
    public static string Field(string s)
    {
        if (s.Length > 0 && s[0] is '=' or '+' or '-' or '@' or '\t' or '\r') return "\"'" + s.Replace("\"", "\"\"") + "\"";
        return s.AsSpan().IndexOfAny(",\"\r\n") < 0 ? s : "\"" + s.Replace("\"", "\"\"") + "\"";
    }
}
