using ReleaseGate.Core.Promotions;
using ReleaseGate.Registry;

namespace ReleaseGate.Web.Adapters.Registry;

/// <summary>
/// Promotion over the registry HTTP API: the signed digest is copied blob by blob (streamed, hashed, retried) and
/// the production tag verified to serve exactly that digest. Both registries' credentials come from settings.
/// </summary>
public sealed class RegistryPromotion(RegistryClients registries) : IImagePromotion
{
    public async Task<string> CopyAsync(string sourceRepository, string digest, string targetRepository, string tag,
        IProgress<Core.Promotions.CopyProgress> progress, CancellationToken ct)
    {
        var (source, sourceName) = Split(sourceRepository);
        var (target, targetName) = Split(targetRepository);
        try
        {
            var result = await ImageCopy.CopyAsync(source, sourceName, target, targetName, digest, tag,
                new Progress(progress), options: null, ct);
            return result.Digest;
        }
        catch (Exception e) when (e is RegistryException or HttpRequestException or IOException or TimeoutException
                                   || (e is TaskCanceledException && !ct.IsCancellationRequested))
        {
            throw new ImagePromotionException(e.Message, e, Unreachable(e));
        }
    }

    /// <summary>Could not be reached, or a gateway said it is down: worth waiting for (a 4xx or a full disk is not).</summary>
    private static bool Unreachable(Exception e) => e is RegistryException r
        ? r.StatusCode is null ? r.IsTransient : r.StatusCode is System.Net.HttpStatusCode.BadGateway or System.Net.HttpStatusCode.ServiceUnavailable or System.Net.HttpStatusCode.GatewayTimeout
        : true;

    private (RegistryClient Client, string Name) Split(string repository)
    {
        var slash = repository.IndexOf('/');
        var client = slash > 0 ? registries.For(repository[..slash]) : null;
        return client is null
            ? throw new ImagePromotionException($"{repository} is in neither the staging nor the production registry (ReleaseGate__Registries__Staging / __Production, or the names __StagingName / __ProductionName).")
            : (client, repository[(slash + 1)..]);
    }

    /// <summary>Progress is reported synchronously so the use case sees every step in order (Progress&lt;T&gt; would post).</summary>
    private sealed class Progress(IProgress<Core.Promotions.CopyProgress> inner) : IProgress<ReleaseGate.Registry.CopyProgress>
    {
        public void Report(ReleaseGate.Registry.CopyProgress p) =>
            inner.Report(new Core.Promotions.CopyProgress(p.BytesCopied, p.BytesTotal, p.BlobsCopied, p.BlobsTotal));
    }
}
