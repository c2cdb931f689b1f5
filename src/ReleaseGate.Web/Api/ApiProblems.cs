using Microsoft.AspNetCore.Http.HttpResults;
using ReleaseGate.Core.Audit;
using ReleaseGate.Core.Data;

namespace ReleaseGate.Web.Api;

/// <summary>
/// Every refusal of the callback API: an application/problem+json answer naming the field at fault,
/// and an audit row saying who was refused and why.
/// </summary>
public static class ApiProblems
{
    public const string ClaimedKeyItem = "releasegate.claimed-key";

    public static async Task<ProblemHttpResult> RefuseAsync(
        HttpContext http, int status, string kind, string title, string detail,
        string? field = null, IDictionary<string, string[]>? errors = null)
    {
        var extensions = new Dictionary<string, object?>();
        if (field is not null) extensions["field"] = field;
        if (errors is not null) extensions["errors"] = errors;

        var claimedKey = http.Items[ClaimedKeyItem] as string ?? http.Request.Headers["X-ReleaseGate-Key"].ToString();
        var dbs = http.RequestServices.GetRequiredService<Microsoft.EntityFrameworkCore.IDbContextFactory<ReleaseGateDb>>();
        var time = http.RequestServices.GetRequiredService<TimeProvider>();
        await using (var db = await dbs.CreateDbContextAsync(http.RequestAborted))
        {
            db.AuditEvents.Add(new AuditEvent
            {
                At = time.GetUtcNow(), ActorKind = ActorKind.Integration,
                Actor = string.IsNullOrEmpty(claimedKey) ? "(no key)" : Truncate(claimedKey, 64),
                Action = "api.refused", Subject = $"{http.Request.Method} {http.Request.Path}",
                Details = Truncate($"{status} {kind}: {detail}", 1000),
            });
            await db.SaveChangesAsync(CancellationToken.None);
        }

        return TypedResults.Problem(detail: detail, statusCode: status, title: title, type: $"urn:releasegate:problem:{kind}", extensions: extensions);
    }

    public static Task<ProblemHttpResult> InvalidAsync(HttpContext http, IDictionary<string, string[]> errors)
    {
        var first = errors.First();
        return RefuseAsync(http, StatusCodes.Status400BadRequest, "validation", "The request has invalid fields.",
            $"{first.Key}: {first.Value[0]}", first.Key, errors);
    }

    private static string Truncate(string s, int max) => s.Length <= max ? s : s[..max];
}
