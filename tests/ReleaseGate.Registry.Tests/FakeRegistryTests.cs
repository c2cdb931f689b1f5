using System.Net;
using System.Text;

namespace ReleaseGate.Registry.Tests;

/// <summary>Behaviour no local registry shows (token auth, 5xx, HEAD without a digest), through a scripted handler.</summary>
public class FakeRegistryTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private static readonly byte[] Manifest = Encoding.UTF8.GetBytes("""{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json"}""");

    private sealed class Handler(Func<HttpRequestMessage, HttpResponseMessage> respond) : HttpMessageHandler
    {
        public List<HttpRequestMessage> Requests { get; } = [];

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Requests.Add(request);
            var response = respond(request);
            response.RequestMessage = request;
            return Task.FromResult(response);
        }
    }

    private static RegistryClient Client(Handler handler, string? user = null, string? password = null, params string[] realmHosts) =>
        new(new HttpClient(handler), new RegistryEndpoint(new Uri("http://registry.test:5000"), user, password) { TokenRealmHosts = realmHosts });

    private static HttpResponseMessage ManifestResponse(bool withDigest)
    {
        var response = new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent(Manifest) };
        response.Content.Headers.ContentType = new(MediaTypes.OciManifest);
        if (withDigest)
            response.Headers.Add("Docker-Content-Digest", RegistryClient.Sha256Digest(Manifest));
        return response;
    }

    [Fact]
    public async Task Bearer_challenge_fetches_a_token_once_per_scope_and_reuses_it()
    {
        var handler = new Handler(request =>
        {
            if (request.RequestUri!.Host == "auth.test")
            {
                Assert.Equal("Basic", request.Headers.Authorization?.Scheme);
                Assert.Contains("service=registry.test", request.RequestUri.Query);
                Assert.Contains("scope=repository%3Aapp%3Apull", request.RequestUri.Query);
                return new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent("""{"token":"t0k","expires_in":300}""") };
            }
            if (request.Headers.Authorization is { Scheme: "Bearer", Parameter: "t0k" })
                return ManifestResponse(withDigest: true);
            var challenge = new HttpResponseMessage(HttpStatusCode.Unauthorized);
            challenge.Headers.Add("WWW-Authenticate", """Bearer realm="https://auth.test/token",service="registry.test",scope="repository:app:pull" """.Trim());
            return challenge;
        });
        var client = Client(handler, "u", "p", "auth.test"); // a token server on another host, allowed by the operator

        Assert.NotNull(await client.ResolveAsync("app", "v1", Ct));
        Assert.NotNull(await client.ResolveAsync("app", "v2", Ct));

        Assert.Single(handler.Requests, r => r.RequestUri!.Host == "auth.test");
        Assert.Equal(4, handler.Requests.Count); // 401, token, retry, then the cached token straight away
    }

    [Fact]
    public async Task Credentials_never_go_to_a_token_server_over_plain_http_on_another_host()
    {
        var handler = new Handler(request =>
        {
            var challenge = new HttpResponseMessage(HttpStatusCode.Unauthorized);
            challenge.Headers.Add("WWW-Authenticate", "Bearer realm=\"http://evil.test/token\",service=\"registry.test\"");
            return challenge;
        });

        var error = await Assert.ThrowsAsync<RegistryException>(() => Client(handler, "u", "p").ResolveAsync("app", "v1", Ct));

        Assert.Contains("neither https", error.Message);
        Assert.DoesNotContain(handler.Requests, r => r.RequestUri!.Host == "evil.test");
    }

    [Theory]
    [InlineData("https://auth.elsewhere.test/token", false)] // https, but neither the registry's host nor an allowed one
    [InlineData("https://registry.test/token", true)]         // the registry's own host, over https
    [InlineData("http://registry.test:5000/token", true)]     // the registry itself
    [InlineData("http://registry.test:5001/token", false)]    // its host, but plain http on another port
    public async Task Basic_credentials_go_only_to_a_token_realm_on_the_registrys_own_host_or_an_allowed_one(string realm, bool sent)
    {
        var handler = new Handler(request =>
        {
            if (request.RequestUri!.AbsolutePath == "/token")
                return new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent("""{"token":"t0k","expires_in":300}""") };
            if (request.Headers.Authorization is { Scheme: "Bearer" })
                return ManifestResponse(withDigest: true);
            var challenge = new HttpResponseMessage(HttpStatusCode.Unauthorized);
            challenge.Headers.Add("WWW-Authenticate", $"Bearer realm=\"{realm}\",service=\"registry.test\"");
            return challenge;
        });
        var client = Client(handler, "u", "p", "auth.test");

        if (sent)
            Assert.NotNull(await client.ResolveAsync("app", "v1", Ct));
        else
            Assert.Contains("credentials are not sent there", (await Assert.ThrowsAsync<RegistryException>(() => client.ResolveAsync("app", "v1", Ct))).Message);

        Assert.Equal(sent, handler.Requests.Any(r => r.RequestUri!.AbsolutePath == "/token" && r.Headers.Authorization?.Scheme == "Basic"));
        Assert.DoesNotContain(handler.Requests, r => r.RequestUri!.AbsolutePath == "/token" && !sent);
    }

    [Fact]
    public async Task A_5xx_is_transient_and_names_the_registry()
    {
        var client = Client(new Handler(_ => new HttpResponseMessage(HttpStatusCode.ServiceUnavailable)));

        var error = await Assert.ThrowsAsync<RegistryException>(() => client.ResolveAsync("app", "v1", Ct));

        Assert.True(error.IsTransient);
        Assert.Contains("registry.test:5000", error.Message);
        Assert.Contains("503", error.Message);
    }

    [Fact]
    public async Task Without_a_digest_header_the_manifest_bytes_are_hashed()
    {
        var handler = new Handler(_ => ManifestResponse(withDigest: false));

        var descriptor = await Client(handler).ResolveAsync("app", "v1", Ct);

        Assert.Equal(RegistryClient.Sha256Digest(Manifest), descriptor?.Digest);
        Assert.Equal(MediaTypes.OciManifest, descriptor?.MediaType);
        Assert.Equal([HttpMethod.Head, HttpMethod.Get], handler.Requests.Select(r => r.Method));
    }

    [Fact]
    public async Task A_digest_the_registry_does_not_confirm_is_an_error()
    {
        var client = Client(new Handler(_ => ManifestResponse(withDigest: true)));

        var error = await Assert.ThrowsAsync<RegistryException>(() => client.ResolveAsync("app", "sha256:" + new string('3', 64), Ct));

        Assert.Contains("served app@sha256:333", error.Message);
    }
}
