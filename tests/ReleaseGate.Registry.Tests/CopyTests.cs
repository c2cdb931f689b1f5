using System.Collections.Concurrent;

namespace ReleaseGate.Registry.Tests;

public class CopyTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private sealed class Collect : IProgress<CopyProgress>
    {
        public ConcurrentQueue<CopyProgress> Items { get; } = new();
        public void Report(CopyProgress value) => Items.Enqueue(value);
    }

    [Fact]
    public async Task Copies_by_digest_to_production_and_a_second_copy_is_a_verified_no_op()
    {
        var digest = Infra.Get("RG_IMAGE_WEB_V2_DIGEST");
        var staging = Infra.Client(Infra.Staging);
        var production = Infra.Client(Infra.Production);
        var repository = Infra.UniqueRepository("copy");

        var first = new Collect();
        var copied = await ImageCopy.CopyAsync(staging, "demo/web", production, repository, digest, "v2", first, null, Ct);

        Assert.Equal(digest, copied.Digest);
        Assert.NotEmpty(copied.Blobs);
        Assert.All(copied.Blobs, b => Assert.Equal(BlobCopyOutcome.Uploaded, b.Outcome));
        Assert.Equal(copied.Blobs.Count, first.Items.Count(p => p.BlobsCopied > 0));
        var last = first.Items.MaxBy(p => p.BlobsCopied)!;
        Assert.Equal((last.BlobsTotal, last.BytesTotal), (last.BlobsCopied, last.BytesCopied));
        Assert.Equal(digest, (await production.ResolveAsync(repository, digest, Ct))?.Digest);
        Assert.Equal(digest, (await production.ResolveAsync(repository, "v2", Ct))?.Digest);
        var (code, output) = Infra.Run("skopeo", "inspect", "--tls-verify=false", $"docker://{Infra.Production.Authority}/{repository}@{digest}");
        Assert.True(code == 0, output);
        Assert.Contains(digest, output);

        var again = await ImageCopy.CopyAsync(staging, "demo/web", production, repository, digest, "v2", null, null, Ct);

        Assert.Equal(digest, again.Digest);
        Assert.Equal(0, again.BytesCopied);
        Assert.Empty(again.Blobs);
    }

    [Fact]
    public async Task Within_one_registry_blobs_are_mounted_not_uploaded()
    {
        var digest = Infra.Get("RG_IMAGE_WEB_V1_DIGEST");
        var staging = Infra.Client(Infra.Staging);
        var repository = Infra.UniqueRepository("mount");

        var result = await ImageCopy.CopyAsync(staging, "demo/web", staging, repository, digest, null, null, null, Ct);

        Assert.NotEmpty(result.Blobs);
        Assert.All(result.Blobs, b => Assert.Equal(BlobCopyOutcome.Mounted, b.Outcome));
        Assert.Equal(0, result.BytesCopied);
        Assert.Equal(digest, (await staging.ResolveAsync(repository, digest, Ct))?.Digest);
    }

    [Fact]
    public async Task Copying_a_digest_the_source_does_not_have_fails_clearly()
    {
        var missing = "sha256:" + new string('2', 64);

        var error = await Assert.ThrowsAsync<RegistryException>(() => RegistryClient.CopyAsync(
            Infra.Client(Infra.Staging), "demo/web", missing, Infra.Client(Infra.Production), Infra.UniqueRepository("missing"), null, null, Ct));

        Assert.Contains("404", error.Message);
        Assert.Contains(Infra.Staging.Authority, error.Message);
    }
}
