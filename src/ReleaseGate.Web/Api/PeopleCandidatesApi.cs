using ReleaseGate.Core.Access;
using System.Text.RegularExpressions;
using ReleaseGate.Core.Candidates;
using ReleaseGate.Core.Promotions;
using ReleaseGate.Core.Deployments;
using ReleaseGate.Core.SignOffs;

namespace ReleaseGate.Web.Api;

/// <summary>
/// Candidates for people: list, read, approve, reject, withdraw, redeploy. Each goes through the page's use case with
/// the token's owner as the voter, so the rules and refusals are the page's; ApiProblems turns a refusal into a status.
/// </summary>
public static partial class PeopleCandidatesApi
{
    [GeneratedRegex("^sha256:[a-f0-9]{64}$")] private static partial Regex DigestPattern();

    public sealed record CandidatePage(IReadOnlyList<CandidateListItem> Items, int Total);

    public sealed record VoteRequest(string Digest, string? Comment);

    public static RouteGroupBuilder MapPeopleCandidatesApi(this RouteGroupBuilder api)
    {
        api.MapGet("/candidates", ListAsync).WithSummary("Candidates, newest first, by application and phase, a page at a time")
            .Produces<CandidatePage>().ProducesProblem(StatusCodes.Status400BadRequest).PersonCall(signedReadToo: true).Needs(PortalAction.ReadCandidates);
        api.MapGet("/candidates/{id:guid}", GetAsync).WithSummary("A candidate: phase, digest, approvals and sign-offs, target window, test URL and timeline")
            .Produces<CandidatesApi.CandidateView>().ProducesProblem(StatusCodes.Status404NotFound).PersonCall(signedReadToo: true).Needs(PortalAction.ReadCandidates);
        api.MapPost("/candidates/{id:guid}/approvals", (Guid id, HttpContext http, SignOffCandidate s, GetCandidate g) => VoteAsync(id, http, s, g, SignOffDecision.Approve))
            .WithSummary("Approve the digest you tested (QA)").Votes().Needs(PortalAction.Approve);
        api.MapPost("/candidates/{id:guid}/rejections", (Guid id, HttpContext http, SignOffCandidate s, GetCandidate g) => VoteAsync(id, http, s, g, SignOffDecision.Reject))
            .WithSummary("Reject the digest you tested, saying why (QA; comment required)").Votes().Needs(PortalAction.Reject);
        api.MapDelete("/candidates/{id:guid}/approvals/me", WithdrawAsync).WithSummary("Withdraw your approval, until promotion starts")
            .Produces(StatusCodes.Status204NoContent).ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict).PersonCall().Needs(PortalAction.WithdrawApproval);
        api.MapPost("/candidates/{id:guid}/redeploy", RedeployAsync).WithSummary("Deploy a failed candidate to the test host again (QA, ReleaseManager)")
            .Produces(StatusCodes.Status202Accepted).ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict).PersonCall().Needs(PortalAction.Redeploy);
        return api;
    }

    private static RouteHandlerBuilder Votes(this RouteHandlerBuilder builder) => builder
        .Produces<CandidatesApi.CandidateView>(StatusCodes.Status201Created).ProducesProblem(StatusCodes.Status400BadRequest)
        .ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict)
        .ProducesProblem(StatusCodes.Status415UnsupportedMediaType).JsonBody(typeof(VoteRequest)).PersonCall();

    private static async Task<IResult> ListAsync(HttpContext http, ListCandidates list)
    {
        var q = http.Request.Query;
        var errors = new Dictionary<string, string[]>();
        CandidatePhase? phase = null;
        if (q["phase"].ToString() is { Length: > 0 } p)
        {
            if (Enum.TryParse<CandidatePhase>(p, ignoreCase: true, out var parsed) && p.All(char.IsLetter)) phase = parsed;
            else errors["phase"] = [$"must be one of {string.Join(", ", Enum.GetNames<CandidatePhase>())}."];
        }
        var page = Number(q["page"], "page", 1, 1, int.MaxValue, errors);
        var pageSize = Number(q["pageSize"], "pageSize", 25, 1, 200, errors);
        if (errors.Count > 0) return await ApiProblems.InvalidAsync(http, errors);
        var found = await list.RunAsync(new CandidateQuery(phase, q["application"].ToString() is { Length: > 0 } a ? a : null, Page: page, PageSize: pageSize), http.RequestAborted);
        return ApiAnswer.Of(StatusCodes.Status200OK, new CandidatePage(found.Items, found.Total));
    }

    private static int Number(string? text, string field, int fallback, int min, int max, Dictionary<string, string[]> errors)
    {
        if (string.IsNullOrEmpty(text)) return fallback;
        if (int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) && n >= min && n <= max) return n;
        errors[field] = [$"must be a whole number between {min} and {max}."];
        return fallback;
    }

    private static async Task<IResult> GetAsync(Guid id, HttpContext http, GetCandidate get, GetPromotion promotion, ReleaseGate.Core.Releases.GetRollout rollout) =>
        await get.RunAsync(id, http.RequestAborted) is { } c
            ? ApiAnswer.Of(StatusCodes.Status200OK, CandidatesApi.View(http, c, (await promotion.RunAsync(id, http.RequestAborted)).Value,
                await rollout.RunAsync(id, http.RequestAborted)))
            : await NotFound(http, id);

    private static async Task<IResult> VoteAsync(Guid id, HttpContext http, SignOffCandidate signOff, GetCandidate get, SignOffDecision decision)
    {
        var user = PersonOrSignature.Person(http)!;
        if (await JsonBody.ReadAsync(http) is not { } root) return JsonBody.Refusal(http)!;
        using var _ = root;
        var f = new JsonFields(root.RootElement);
        var digest = f.String("digest", required: true, 71, DigestPattern(), "must be sha256: followed by 64 lower-case hex digits.");
        var comment = f.String("comment", required: false, 4000);
        if (!f.IsValid) return await ApiProblems.InvalidAsync(http, f.Errors);

        // No concurrency token: the API never saw one. The digest binds the vote to the image that was tested.
        var outcome = await signOff.RunAsync(new SignOffRequest(id, user, decision, comment, digest!, ConcurrencyToken: null), http.RequestAborted);
        if (outcome.Refusal is { } refusal) return await ApiProblems.RefuseAsync(http, refusal);
        var c = await get.RunAsync(id, http.RequestAborted);
        return ApiAnswer.Of(StatusCodes.Status201Created, CandidatesApi.View(http, c!, null, null), $"/api/v1/candidates/{id}");
    }

    private static async Task<IResult> WithdrawAsync(Guid id, HttpContext http, WithdrawApproval withdraw)
    {
        var outcome = await withdraw.RunAsync(id, PersonOrSignature.Person(http)!, concurrencyToken: null, http.RequestAborted);
        return outcome.Refusal is { } refusal ? await ApiProblems.RefuseAsync(http, refusal) : Results.NoContent();
    }

    private static async Task<IResult> RedeployAsync(Guid id, HttpContext http, RedeployCandidate redeploy)
    {
        var outcome = await redeploy.RunAsync(id, PersonOrSignature.Person(http)!, http.RequestAborted);
        return outcome.Refusal is { } refusal ? await ApiProblems.RefuseAsync(http, refusal) : Results.Accepted($"/api/v1/candidates/{id}");
    }

    private static async Task<IResult> NotFound(HttpContext http, Guid id) =>
        await ApiProblems.RefuseAsync(http, StatusCodes.Status404NotFound, "not-found", "There is no such candidate.", $"No candidate has the id {id}.", "id");
}
