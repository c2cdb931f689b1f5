namespace ReleaseGate.Registry.Tests;

public class ResolveTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Resolves_a_tag_to_the_digest_the_infra_pushed()
    {
        var expected = Infra.Get("RG_IMAGE_WEB_V1_DIGEST");
        var descriptor = await Infra.Client(Infra.Staging).ResolveAsync("demo/web", "v1", Ct);

        Assert.NotNull(descriptor);
        Assert.Equal(expected, descriptor.Digest);
        Assert.Contains(descriptor.MediaType, MediaTypes.Manifests);
        Assert.True(descriptor.Size > 0);
    }

    [Fact]
    public async Task Resolves_a_digest_to_itself()
    {
        var expected = Infra.Get("RG_IMAGE_WEB_V1_DIGEST");
        var client = Infra.Client(Infra.Staging);

        var descriptor = await client.ResolveAsync("demo/web", expected, Ct);
        var (bytes, mediaType, digest) = await client.GetManifestAsync("demo/web", expected, Ct);

        Assert.Equal(expected, descriptor?.Digest);
        Assert.Equal(expected, digest);
        Assert.Equal(expected, RegistryClient.Sha256Digest(bytes));
        Assert.Equal(descriptor!.MediaType, mediaType);
        Assert.Equal(descriptor.Size, bytes.LongLength);
    }

    [Fact]
    public async Task Unknown_tag_and_unknown_repository_give_null()
    {
        var client = Infra.Client(Infra.Staging);

        Assert.Null(await client.ResolveAsync("demo/web", "no-such-tag-" + Guid.NewGuid().ToString("N")[..8], Ct));
        Assert.Null(await client.ResolveAsync(Infra.UniqueRepository("missing"), "v1", Ct));
        Assert.Null(await client.ResolveAsync("demo/web", "sha256:" + new string('0', 64), Ct));
    }

    [Fact]
    public async Task Blob_exists_for_the_config_and_not_for_an_unknown_digest()
    {
        var client = Infra.Client(Infra.Staging);
        var (bytes, _, _) = await client.GetManifestAsync("demo/web", "v1", Ct);
        using var manifest = System.Text.Json.JsonDocument.Parse(bytes);
        var config = manifest.RootElement.GetProperty("config").GetProperty("digest").GetString()!;

        Assert.True(await client.BlobExistsAsync("demo/web", config, Ct));
        Assert.False(await client.BlobExistsAsync("demo/web", "sha256:" + new string('1', 64), Ct));
    }

    [Fact]
    public async Task A_registry_that_is_down_gives_a_transient_error_naming_its_address()
    {
        var port = Infra.FreePort();
        var client = Infra.Client(new RegistryEndpoint(new Uri($"http://127.0.0.1:{port}")));

        var error = await Assert.ThrowsAsync<RegistryException>(() => client.ResolveAsync("demo/web", "v1", Ct));

        Assert.True(error.IsTransient);
        Assert.Contains($"127.0.0.1:{port}", error.Message);
    }
}
