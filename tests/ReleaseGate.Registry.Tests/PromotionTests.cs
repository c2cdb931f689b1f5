using System.Collections.Concurrent;
using System.Diagnostics;

namespace ReleaseGate.Registry.Tests;

/// <summary>Promotion staging → production against the real registries of scripts/infra.sh.</summary>
public class PromotionTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private static readonly RegistryClient Staging = Infra.Client(Infra.Staging);
    private static readonly RegistryClient Production = Infra.Client(Infra.Production);

    private sealed class Collect : IProgress<CopyProgress>
    {
        public ConcurrentQueue<CopyProgress> Items { get; } = new();
        public void Report(CopyProgress value) => Items.Enqueue(value);
    }

    [Fact]
    public async Task A_multi_layer_image_arrives_by_digest_and_tag_with_every_blob_streamed()
    {
        var source = Infra.UniqueRepository("src");
        var image = await TestImages.PushImageAsync(Staging, source, 5, 300_000, "1.0", Ct);
        var target = Infra.UniqueRepository("prod");
        var progress = new Collect();

        var result = await ImageCopy.CopyAsync(Staging, source, Production, target, image.Digest, "1.0", progress, null, Ct);

        Assert.Equal(image.Digest, result.Digest);
        Assert.Equal(6, result.BlobsCopied);
        Assert.Equal(image.Blobs.Sum(b => (long)b.Bytes.Length), result.BytesCopied);
        Assert.Equal(image.Digest, (await Production.ResolveAsync(target, "1.0", Ct))?.Digest);
        foreach (var blob in image.Blobs)
            Assert.True(await Production.BlobExistsAsync(target, blob.Digest, Ct), blob.Digest);
        var last = progress.Items.Last(p => p.BlobsCopied == 6);
        Assert.Equal(result.BytesCopied, last.BytesCopied);
        Assert.Equal(result.BytesCopied, last.BytesTotal);
        Assert.True(progress.Items.Count < 30, $"{progress.Items.Count} progress reports: throttled, not per buffer");
    }

    [Fact]
    public async Task An_oci_index_is_copied_with_both_platform_manifests_before_the_index()
    {
        var source = Infra.UniqueRepository("src");
        var (digest, children) = await TestImages.PushIndexAsync(Staging, source, "2.0", Ct, "amd64", "arm64");
        var target = Infra.UniqueRepository("prod");

        var result = await ImageCopy.CopyAsync(Staging, source, Production, target, digest, "2.0", null, null, Ct);

        Assert.Equal(MediaTypes.OciIndex, result.MediaType);
        Assert.Equal(6, result.BlobsCopied);
        Assert.Equal(4, result.ManifestsPut); // two children, the index by digest and by tag
        Assert.Equal(digest, (await Production.ResolveAsync(target, "2.0", Ct))?.Digest);
        foreach (var child in children)
            Assert.Equal(child.Digest, (await Production.ResolveAsync(target, child.Digest, Ct))?.Digest);
    }

    [Fact]
    public async Task Re_promotion_of_an_image_already_in_production_copies_nothing_and_is_fast()
    {
        var source = Infra.UniqueRepository("src");
        var image = await TestImages.PushImageAsync(Staging, source, 3, 100_000, "3.0", Ct);
        var target = Infra.UniqueRepository("prod");
        await ImageCopy.CopyAsync(Staging, source, Production, target, image.Digest, "3.0", null, null, Ct);

        var watch = Stopwatch.StartNew();
        var again = await ImageCopy.CopyAsync(Staging, source, Production, target, image.Digest, "3.0", null, null, Ct);
        watch.Stop();

        Assert.Equal(image.Digest, again.Digest);
        Assert.Equal(0, again.BytesCopied);
        Assert.True(watch.ElapsedMilliseconds < 200, $"re-promotion took {watch.ElapsedMilliseconds} ms");

        // Under a new tag the image is only re-tagged, still without moving a byte.
        var retagged = await ImageCopy.CopyAsync(Staging, source, Production, target, image.Digest, "3.0-final", null, null, Ct);
        Assert.Equal(0, retagged.BytesCopied);
        Assert.Equal(image.Digest, (await Production.ResolveAsync(target, "3.0-final", Ct))?.Digest);
    }

    [Fact]
    public async Task An_interrupted_copy_resumes_with_only_the_missing_blobs()
    {
        var source = Infra.UniqueRepository("src");
        var image = await TestImages.PushImageAsync(Staging, source, 4, 200_000, "4.0", Ct);
        var target = Infra.UniqueRepository("prod");
        // What a killed copy leaves behind: some blobs in the target, no manifest.
        foreach (var blob in image.Blobs.Take(3))
            await TestImages.PushBlobAsync(Production, target, blob.Bytes, Ct);

        var result = await ImageCopy.CopyAsync(Staging, source, Production, target, image.Digest, "4.0", null, null, Ct);

        Assert.Equal(3, result.BlobsSkipped);
        Assert.Equal(2, result.BlobsCopied);
        Assert.Equal(image.Blobs.Skip(3).Sum(b => (long)b.Bytes.Length), result.BytesCopied);
        Assert.Equal(image.Digest, (await Production.ResolveAsync(target, "4.0", Ct))?.Digest);
    }

    [Fact]
    public async Task A_staging_tag_pushed_again_after_signing_still_gives_production_the_signed_digest()
    {
        var source = Infra.UniqueRepository("src");
        var signed = await TestImages.PushImageAsync(Staging, source, 2, 50_000, "5.0", Ct);
        var other = await TestImages.PushImageAsync(Staging, source, 2, 50_000, "5.0", Ct);
        Assert.Equal(other.Digest, (await Staging.ResolveAsync(source, "5.0", Ct))?.Digest);
        var target = Infra.UniqueRepository("prod");

        var result = await ImageCopy.CopyAsync(Staging, source, Production, target, signed.Digest, "5.0", null, null, Ct);

        Assert.Equal(signed.Digest, result.Digest);
        Assert.Equal(signed.Digest, (await Production.ResolveAsync(target, "5.0", Ct))?.Digest);
    }

    [Fact]
    public async Task A_production_registry_with_a_password_receives_the_image()
    {
        var password = (await File.ReadAllTextAsync(Infra.Get("RG_PRIVATE_REGISTRY_PASSWORD_FILE"), Ct)).Trim();
        var secured = Infra.Client(new RegistryEndpoint(new Uri("http://" + Infra.Get("RG_PRIVATE_REGISTRY")), Infra.Get("RG_PRIVATE_REGISTRY_USER"), password));
        var source = Infra.UniqueRepository("src");
        var image = await TestImages.PushImageAsync(Staging, source, 2, 100_000, "6.0", Ct);
        var target = Infra.UniqueRepository("prod");

        var result = await ImageCopy.CopyAsync(Staging, source, secured, target, image.Digest, "6.0", null, null, Ct);

        Assert.Equal(3, result.BlobsCopied);
        Assert.Equal(image.Digest, (await secured.ResolveAsync(target, "6.0", Ct))?.Digest);
    }

    [Fact]
    public async Task Chunked_upload_mode_gives_the_same_image()
    {
        var source = Infra.UniqueRepository("src");
        var image = await TestImages.PushImageAsync(Staging, source, 3, 150_000, "7.0", Ct);
        var target = Infra.UniqueRepository("prod");
        var options = new CopyOptions { UploadMode = BlobUploadMode.Chunked, BufferSize = 64 * 1024 };

        var result = await ImageCopy.CopyAsync(Staging, source, Production, target, image.Digest, "7.0", null, options, Ct);

        Assert.Equal(4, result.BlobsCopied);
        Assert.Equal(image.Digest, (await Production.ResolveAsync(target, "7.0", Ct))?.Digest);
    }
}
