using ReleaseGate.Core.Applications;

namespace ReleaseGate.Core.Candidates;

/// <summary>An image a build names, checked against its application's staging repository and fixed to the digest served there.</summary>
public static class StagingImage
{
    /// <summary>The digest the staging registry serves for repository:tag, or why the image is refused.</summary>
    public static async Task<Outcome<string>> ResolveAsync(
        IImageRegistry registry, Application app, string repository, string tag, string? digest, CancellationToken ct)
    {
        if (!string.Equals(repository, app.StagingRepository, StringComparison.Ordinal))
            return new Refusal(RefusalCode.WrongRepository, "image",
                $"The image must come from {app.StagingRepository}, the staging repository of '{app.Slug}', not from {repository}.",
                $"镜像必须来自 '{app.Slug}' 的预发布仓库 {app.StagingRepository},而不是 {repository}。");
        var served = await registry.ResolveDigestAsync(repository, tag, ct);
        if (served is null)
            return new Refusal(RefusalCode.ImageNotFound, "image",
                $"The staging registry has no image {repository}:{tag}.", $"预发布仓库中没有镜像 {repository}:{tag}。");
        if (digest is not null && digest != served)
            return new Refusal(RefusalCode.DigestMismatch, "digest",
                $"The staging registry serves {served} for {repository}:{tag}, not {digest}.",
                $"预发布仓库为 {repository}:{tag} 提供的是 {served},而不是 {digest}。");
        return served;
    }
}
