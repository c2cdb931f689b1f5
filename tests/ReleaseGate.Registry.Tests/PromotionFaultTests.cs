using System.Net;

namespace ReleaseGate.Registry.Tests;

/// <summary>Promotion when something goes wrong: corrupt bytes, failing or unreachable registries; and mounts.</summary>
public class PromotionFaultTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private static readonly RetryBudget Quick = new(5, TimeSpan.FromMilliseconds(1), TimeSpan.FromMilliseconds(5));

    /// <summary>Passes requests to the real registries unless <c>fail</c> returns a failure for this one.</summary>
    private sealed class Flaky(Func<HttpRequestMessage, int, HttpResponseMessage?> fail) : DelegatingHandler(new SocketsHttpHandler())
    {
        private int _count;
        public int Injected;

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
        {
            if (fail(request, Interlocked.Increment(ref _count)) is { } failure)
            {
                Interlocked.Increment(ref Injected);
                failure.RequestMessage = request;
                return failure;
            }
            return await base.SendAsync(request, ct);
        }
    }

    private static RegistryClient Through(HttpMessageHandler handler, RegistryEndpoint endpoint) => new(new HttpClient(handler), endpoint) { Retry = Quick };

    [Fact]
    public async Task Copy_of_a_corrupt_blob_is_refused()
    {
        var fake = new FakeRegistry();
        var source = fake.Client();
        var image = await TestImages.PushImageAsync(source, "app", 2, 100_000, "1.0", Ct);
        var layer = image.Blobs[0];
        var corrupt = (byte[])layer.Bytes.Clone();
        corrupt[^1] ^= 0xff;
        fake.Corrupt[layer.Digest] = corrupt;
        var target = Infra.UniqueRepository("corrupt");
        var production = Infra.Client(Infra.Production);

        var error = await Assert.ThrowsAsync<RegistryException>(() =>
            ImageCopy.CopyAsync(source, "app", production, target, image.Digest, "1.0", null, null, Ct));

        Assert.Contains(layer.Digest, error.Message);
        Assert.Contains("refused", error.Message);
        Assert.False(error.IsTransient);
        Assert.False(await production.BlobExistsAsync(target, layer.Digest, Ct));
        Assert.Null(await production.ResolveAsync(target, "1.0", Ct));
    }

    [Fact]
    public async Task A_registry_answering_503_is_retried_until_the_copy_succeeds()
    {
        var staging = Infra.Client(Infra.Staging);
        var source = Infra.UniqueRepository("src");
        var image = await TestImages.PushImageAsync(staging, source, 3, 100_000, "1.0", Ct);
        // Every third request fails, six times in all: HEADs, POSTs, streamed PUTs and manifest PUTs alike.
        var flaky = new Flaky((_, n) => n % 3 == 0 && n <= 18 ? new HttpResponseMessage(HttpStatusCode.ServiceUnavailable) : null);
        var target = Infra.UniqueRepository("prod");

        var result = await ImageCopy.CopyAsync(staging, source, Through(flaky, Infra.Production), target, image.Digest, "1.0", null, null, Ct);

        Assert.Equal(6, flaky.Injected);
        Assert.Equal(4, result.BlobsCopied);
        Assert.Equal(image.Digest, (await Infra.Client(Infra.Production).ResolveAsync(target, "1.0", Ct))?.Digest);
    }

    [Fact]
    public async Task A_blob_whose_download_breaks_midway_is_copied_again_from_a_reopened_source()
    {
        var staging = Infra.Client(Infra.Staging);
        var source = Infra.UniqueRepository("src");
        var image = await TestImages.PushImageAsync(staging, source, 2, 1_000_000, "1.0", Ct);
        var broken = 0;
        var handler = new BreakingBody(() => Interlocked.Exchange(ref broken, 1) == 0);
        var target = Infra.UniqueRepository("prod");

        var result = await ImageCopy.CopyAsync(Through(handler, Infra.Staging), source, Infra.Client(Infra.Production), target, image.Digest, "1.0", null, null, Ct);

        Assert.Equal(1, broken);
        Assert.Equal(3, result.BlobsCopied);
        Assert.Equal(image.Digest, (await Infra.Client(Infra.Production).ResolveAsync(target, "1.0", Ct))?.Digest);
    }

    [Fact]
    public async Task A_registry_that_refuses_connections_then_comes_back_is_retried()
    {
        var staging = Infra.Client(Infra.Staging);
        var source = Infra.UniqueRepository("src");
        var image = await TestImages.PushImageAsync(staging, source, 2, 50_000, "1.0", Ct);
        var port = Infra.FreePort();
        var target = new RegistryClient(Infra.Http, new RegistryEndpoint(new Uri($"http://127.0.0.1:{port}")))
        {
            Retry = new RetryBudget(8, TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(300)),
        };
        var repository = Infra.UniqueRepository("prod");

        var copy = ImageCopy.CopyAsync(staging, source, target, repository, image.Digest, "1.0", null, null, Ct);
        await Task.Delay(250, Ct); // nothing listens yet: connection refused
        using var forwarder = TcpForwarder.Start(port, new Uri("http://" + Infra.Get("RG_PRODUCTION_REGISTRY")).Port);
        var result = await copy;

        Assert.Equal(3, result.BlobsCopied);
        Assert.Equal(image.Digest, (await Infra.Client(Infra.Production).ResolveAsync(repository, "1.0", Ct))?.Digest);
    }

    [Fact]
    public async Task Within_one_registry_blobs_are_mounted_from_the_source_repository()
    {
        var fake = new FakeRegistry();
        var client = fake.Client();
        var image = await TestImages.PushImageAsync(client, "staging/app", 2, 1000, "1.0", Ct);

        var result = await ImageCopy.CopyAsync(client, "staging/app", client, "prod/app", image.Digest, "1.0", null, null, Ct);

        Assert.All(result.Blobs, b => Assert.Equal(BlobCopyOutcome.Mounted, b.Outcome));
        Assert.Equal(0, result.BytesCopied);
        Assert.Contains(fake.Log, l => l.StartsWith($"POST /v2/prod/app/blobs/uploads/?mount={Uri.EscapeDataString(image.Blobs[0].Digest)}&from=staging%2Fapp"));
        Assert.DoesNotContain(fake.Log, l => l.StartsWith("GET /v2/staging/app/blobs/"));
        Assert.Equal(image.Digest, (await client.ResolveAsync("prod/app", "1.0", Ct))?.Digest);
    }

    [Fact]
    public async Task A_mount_answered_with_202_falls_back_to_a_copy()
    {
        var fake = new FakeRegistry { MountAnswer = HttpStatusCode.Accepted };
        var client = fake.Client();
        var image = await TestImages.PushImageAsync(client, "staging/app", 2, 1000, "1.0", Ct);

        var result = await ImageCopy.CopyAsync(client, "staging/app", client, "prod/app", image.Digest, "1.0", null, null, Ct);

        Assert.All(result.Blobs, b => Assert.Equal(BlobCopyOutcome.Uploaded, b.Outcome));
        Assert.All(image.Blobs, b => Assert.Equal(b.Bytes, fake.Blobs[$"prod/app@{b.Digest}"]));
    }
}
