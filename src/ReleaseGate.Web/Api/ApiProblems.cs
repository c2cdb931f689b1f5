using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http.HttpResults;
using ReleaseGate.Core;
using ReleaseGate.Core.Audit;
using ReleaseGate.Core.Data;

namespace ReleaseGate.Web.Api;

/// <summary>
/// Every refusal of the API: an application/problem+json answer naming the field at fault,
/// and an audit row saying who was refused and why (for unauthenticated callers, the first of each minute and a summary).
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

        http.RequestServices.GetRequiredService<Observability.PortalMetrics>().Refused(kind, status);
        var claimedKey = http.Items[ClaimedKeyItem] as string ?? http.Request.Headers["X-ReleaseGate-Key"].ToString();
        var problem = TypedResults.Problem(detail: detail, statusCode: status, title: title, type: $"urn:releasegate:problem:{kind}", extensions: extensions);
        // Callers we could not authenticate are tallied per address and minute: a flood must not become a flood of audit rows.
        var address = Security.RateLimits.Address(http);
        if (!SignedRequest.IsVerified(http) && !http.RequestServices.GetRequiredService<Security.RefusalTally>().Count(address, status)) return problem;
        var dbs = http.RequestServices.GetRequiredService<Microsoft.EntityFrameworkCore.IDbContextFactory<ReleaseGateDb>>();
        var time = http.RequestServices.GetRequiredService<TimeProvider>();
        await using (var db = await dbs.CreateDbContextAsync(http.RequestAborted))
        {
            var (subject, details) = ($"{http.Request.Method} {http.Request.Path}", Truncate($"{status} {kind}: {detail} (from {address})", 1000));
            // A person with a token is named as themselves; anyone else by the key they claimed.
            db.AuditEvents.Add(PersonOrSignature.Person(http) is { } person
                ? AuditEvent.ByUser(time.GetUtcNow(), person, "api.refused", subject, details)
                : AuditEvent.ByIntegration(time.GetUtcNow(), string.IsNullOrEmpty(claimedKey) ? "(no key)" : Truncate(claimedKey, 64), "api.refused", subject, details));
            await db.SaveChangesAsync(CancellationToken.None);
        }
        return problem;
    }

    /// <summary>A use case's refusal as the API answers it: the one place where a refusal's code becomes a status.</summary>
    public static Task<ProblemHttpResult> RefuseAsync(HttpContext http, Refusal refusal)
    {
        var errors = refusal.Problems.Where(p => p.Field.Length > 0).GroupBy(p => p.Field)
            .ToDictionary(g => g.Key, g => g.Select(p => p.Message).ToArray());
        return RefuseAsync(http, StatusOf(refusal.Code), Kebab(refusal.Code), "The request was refused.", refusal.Message,
            refusal.Field.Length > 0 ? refusal.Field : null, errors.Count > 1 ? errors : null);
    }

    public static int StatusOf(RefusalCode code) => code switch
    {
        RefusalCode.NotFound => StatusCodes.Status404NotFound,
        RefusalCode.Invalid => StatusCodes.Status400BadRequest,
        RefusalCode.UnknownActor => StatusCodes.Status401Unauthorized,
        RefusalCode.AccountDisabled or RefusalCode.MissingRole or RefusalCode.OutOfScope or RefusalCode.Submitter or RefusalCode.CommitAuthor or RefusalCode.NotManaged
            => StatusCodes.Status403Forbidden,
        RefusalCode.UnknownApplication or RefusalCode.WrongRepository or RefusalCode.ImageNotFound or RefusalCode.DigestMismatch
            or RefusalCode.NoDevelopmentEnvironment
            => StatusCodes.Status422UnprocessableEntity,
        _ => StatusCodes.Status409Conflict,
    };

    private static string Kebab(RefusalCode code) => Regex.Replace(code.ToString(), "(?<!^)([A-Z])", "-$1").ToLowerInvariant();

    public static Task<ProblemHttpResult> InvalidAsync(HttpContext http, IDictionary<string, string[]> errors)
    {
        var first = errors.First();
        return RefuseAsync(http, StatusCodes.Status400BadRequest, "validation", "The request has invalid fields.",
            $"{first.Key}: {first.Value[0]}", first.Key, errors);
    }

    private static string Truncate(string s, int max) => s.Length <= max ? s : s[..max];
}
