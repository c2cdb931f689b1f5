using System.Text.RegularExpressions;
using ReleaseGate.Core;
using ReleaseGate.Core.Candidates;
using ReleaseGate.Core.Promotions;
using ReleaseGate.Core.SignOffs;
using ReleaseGate.Registry;

namespace ReleaseGate.Web.Api;

/// <summary>POST /api/v1/candidates: Jenkins registers an image. The candidate's view is here too; reads are in PeopleCandidatesApi.</summary>
public static partial class CandidatesApi
{
    [GeneratedRegex("^sha256:[a-f0-9]{64}$")] private static partial Regex DigestPattern();
    [GeneratedRegex("^[a-f0-9]{7,64}$")] private static partial Regex CommitPattern();

    public static RouteGroupBuilder MapCandidatesApi(this RouteGroupBuilder api)
    {
        api.MapPost("/candidates", RegisterAsync).AddEndpointFilter<IdempotentPost>()
            .WithSummary("Register a release candidate from the staging registry")
            .Produces<CandidateCreated>(StatusCodes.Status201Created)
            .Produces<CandidateCreated>(StatusCodes.Status200OK)
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType).ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable)
            .SignedCall(typeof(CandidateRequest)).SignedSecurity()
            .WithMetadata(new PortalActionMetadata(Core.Access.PortalAction.RegisterCandidate)); // RegisterCandidate asks the table itself
        return api;
    }

    /// <summary>The request body, as documented in the OpenAPI description (read by hand, field by field).</summary>
    public sealed record CandidateRequest(string Application, string Image, string? Digest, string Commit, string? Branch,
        int BuildNumber, string BuildUrl, string SubmittedBy, IReadOnlyList<CommitChange>? Changes);

    public sealed record CandidateLinks(string Self, string Ui);

    public sealed record CandidateCreated(Guid Id, string Application, string Version, string Digest, CandidatePhase Phase, CandidateLinks Links);

    public sealed record ApprovalView(string User, DateTimeOffset At);

    public sealed record WindowView(int Id, string Name, DateTimeOffset? CutoffAt);

    public sealed record EventView(DateTimeOffset At, string Kind, string Actor, string Message, IReadOnlyDictionary<string, string> Fields, string? LogTail);

    /// <summary>A vote still standing; countsForDigest is false for one given to an earlier digest.</summary>
    public sealed record SignOffView(string User, SignOffDecision Decision, string Comment, DateTimeOffset At, bool CountsForDigest);

    public sealed record CandidateView(Guid Id, string Application, string Version, string Digest, string Commit, string Branch,
        int BuildNumber, string BuildUrl, string SubmittedBy, CandidatePhase Phase, string? Progress, IReadOnlyList<ApprovalView> Approvals,
        int RequiredApprovals, WindowView? TargetWindow, string? TestUrl, IReadOnlyList<EventView> Events, CandidateLinks Links,
        IReadOnlyList<SignOffView> SignOffs, IReadOnlyList<CommitChange> Changes, PromotionJson? Promotion, ReleasesApi.RolloutJson? Rollout);

    public sealed record PromotionJson(long BytesCopied, long BytesTotal, int BlobsCopied, int BlobsTotal, int Attempts, string? ProductionDigest, string? Error);

    private static async Task<IResult> RegisterAsync(HttpContext http, RegisterCandidate register)
    {
        if (await JsonBody.ReadAsync(http) is not { } root) return JsonBody.Refusal(http)!;
        using var _ = root;
        var f = new JsonFields(root.RootElement);
        var (application, reference, digest, commit, branch, buildNumber, buildUrl) = ReadBuild(f, "1.4.2");
        var submittedBy = f.String("submittedBy", required: true, 255);
        var changes = f.Array("changes", 500, c =>
        {
            var (id, author, message) = (c.String("commit", true, 64, CommitPattern(), "must be a git commit id."), c.String("author", true, 255), c.String("message", true, 4000));
            return id is null || author is null || message is null ? null : new CommitChange(id, author, message);
        });
        if (!f.IsValid) return await ApiProblems.InvalidAsync(http, f.Errors);

        var request = new CandidateRegistration(application!, reference!.RepositoryReference, reference.Tag!, digest ?? reference.Digest,
            commit!, branch, buildNumber!.Value, buildUrl!, submittedBy!, changes);
        Outcome<Registration> outcome;
        try
        {
            outcome = await register.RunAsync(request, SignedRequest.KeyId(http), http.RequestAborted);
        }
        catch (RegistryUnavailableException e)
        {
            return await ApiProblems.RefuseAsync(http, StatusCodes.Status503ServiceUnavailable, "registry-unavailable",
                "The staging registry could not be asked; retry later.", e.Message, "image");
        }

        if (outcome.Refusal is { } refusal) return await ApiProblems.RefuseAsync(http, refusal);
        var (candidate, isNew) = outcome.Value!;
        return ApiAnswer.Of(isNew ? StatusCodes.Status201Created : StatusCodes.Status200OK, Created(http, candidate), $"/api/v1/candidates/{candidate.Id}");
    }

    /// <summary>What a build of an application sends, a candidate or a develop build: read and checked field by field.</summary>
    internal sealed record BuildFields(string? Application, ImageReference? Image, string? Digest, string? Commit, string Branch, int? BuildNumber, string? BuildUrl);

    /// <param name="exampleTag">The tag the message about a missing one shows.</param>
    internal static BuildFields ReadBuild(JsonFields f, string exampleTag)
    {
        var application = f.String("application", required: true, 63);
        var image = f.String("image", required: true, 512);
        var digest = f.String("digest", required: false, 71, DigestPattern(), "must be sha256: followed by 64 lower-case hex digits.");
        var commit = f.String("commit", required: true, 64, CommitPattern(), "must be a git commit id (7 to 64 lower-case hex digits).");
        var branch = f.String("branch", required: false, 255) ?? "";
        var buildNumber = f.Int("buildNumber", required: true, 0, int.MaxValue);
        var buildUrl = f.Url("buildUrl", required: true);
        ImageReference? reference = null;
        if (image is not null)
        {
            if (!ImageReference.TryParse(image, out reference, out var imageError)) f.Fail("image", imageError);
            else if (reference.Tag is null) f.Fail("image", $"must name a tag (the version), e.g. 127.0.0.1:5001/orders-api:{exampleTag}.");
            else if (reference.Digest is not null && digest is not null && reference.Digest != digest) f.Fail("digest", "differs from the digest in image.");
        }
        return new BuildFields(application, reference, digest, commit, branch, buildNumber, buildUrl);
    }

    public static CandidateView View(HttpContext http, CandidateDetails c, PromotionView? p, ReleaseGate.Core.Releases.Rollout? r) => new(c.Id, c.Application, c.Version, c.Digest, c.Commit, c.Branch,
        c.BuildNumber, c.BuildUrl, c.SubmittedBy, c.Phase, c.Progress,
        c.Approvals.Select(a => new ApprovalView(a.User, a.At)).ToList(), c.RequiredApprovals,
        c.TargetWindow is { } w ? new WindowView(w.Id, w.Name, w.CutoffAt) : null, c.TestUrl,
        c.Events.Select(e => new EventView(e.At, e.Kind, e.Actor, e.Message, e.Fields, e.LogTail)).ToList(), Links(http, c.Id),
        c.Votes.Select(v => new SignOffView(v.User, v.Decision, v.Comment, v.At, v.CountsForDigest)).ToList(), c.Changes,
        p is null ? null : new PromotionJson(p.BytesCopied, p.BytesTotal, p.BlobsCopied, p.BlobsTotal, p.Attempts, p.ProductionDigest, p.Error),
        r is null ? null : ReleasesApi.Rollout(r));

    private static CandidateCreated Created(HttpContext http, Candidate c) =>
        new(c.Id, c.Application.Slug, c.Version, c.Digest, c.Phase, Links(http, c.Id));

    private static CandidateLinks Links(HttpContext http, Guid id)
    {
        var publicUrl = http.RequestServices.GetRequiredService<Microsoft.Extensions.Options.IOptions<Settings.PortalSettings>>().Value.PublicUrl;
        return new CandidateLinks($"/api/v1/candidates/{id}", new Uri(publicUrl, $"candidates/{id}").ToString());
    }
}
