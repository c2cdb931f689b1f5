using System.Diagnostics;

namespace ReleaseGate.Registry.Tests;

/// <summary>A private distribution registry with htpasswd auth on a free 127.0.0.1 port.</summary>
public sealed class AuthRegistryFixture : IAsyncLifetime
{
    public const string User = "releasegate";
    public const string Password = "s3cret-Pa55";
    private readonly string _dir = Directory.CreateTempSubdirectory("rg-auth-registry-").FullName;
    private Process? _process;

    public Uri Address { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        var port = Infra.FreePort();
        Address = new Uri($"http://127.0.0.1:{port}");
        var (code, htpasswd) = Infra.Run("htpasswd", "-Bbn", User, Password);
        Assert.True(code == 0, htpasswd);
        await File.WriteAllTextAsync(Path.Combine(_dir, "htpasswd"), htpasswd.Trim() + "\n");
        var config = Path.Combine(_dir, "config.yml");
        await File.WriteAllTextAsync(config, $"""
            version: 0.1
            log:
              level: warn
            storage:
              filesystem:
                rootdirectory: {_dir}/data
            http:
              addr: 127.0.0.1:{port}
            auth:
              htpasswd:
                realm: releasegate-test
                path: {_dir}/htpasswd
            """);
        var info = new ProcessStartInfo("/usr/bin/docker-registry") { RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add("serve");
        info.ArgumentList.Add(config);
        _process = Process.Start(info)!;
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        for (var i = 0; i < 100; i++)
        {
            try
            {
                using var response = await http.GetAsync(new Uri(Address, "/v2/"));
                if (response.StatusCode == System.Net.HttpStatusCode.Unauthorized)
                    return;
            }
            catch (HttpRequestException)
            {
                // not listening yet
            }
            await Task.Delay(100);
        }
        throw new InvalidOperationException($"docker-registry did not answer on {Address} within 10 s.");
    }

    public ValueTask DisposeAsync()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill();
            _process.WaitForExit(10_000);
        }
        _process?.Dispose();
        Directory.Delete(_dir, recursive: true);
        return ValueTask.CompletedTask;
    }
}

public class BasicAuthTests(AuthRegistryFixture registry) : IClassFixture<AuthRegistryFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Good_credentials_push_and_resolve()
    {
        var digest = Infra.Get("RG_IMAGE_WEB_V1_DIGEST");
        var client = Infra.Client(new RegistryEndpoint(registry.Address, AuthRegistryFixture.User, AuthRegistryFixture.Password));
        var repository = Infra.UniqueRepository("auth");

        await RegistryClient.CopyAsync(Infra.Client(Infra.Staging), "demo/web", digest, client, repository, "v1", null, Ct);
        var descriptor = await client.ResolveAsync(repository, "v1", Ct);

        Assert.Equal(digest, descriptor?.Digest);
    }

    [Fact]
    public async Task Wrong_credentials_give_the_credentials_error()
    {
        var client = Infra.Client(new RegistryEndpoint(registry.Address, AuthRegistryFixture.User, "wrong"));

        var error = await Assert.ThrowsAsync<RegistryException>(() => client.ResolveAsync("demo/web", "v1", Ct));

        Assert.Equal($"the registry refused the credentials for {registry.Address.Authority}", error.Message);
        Assert.False(error.IsTransient);
    }

    [Fact]
    public async Task No_credentials_say_that_credentials_are_required()
    {
        var client = Infra.Client(new RegistryEndpoint(registry.Address));

        var error = await Assert.ThrowsAsync<RegistryException>(() => client.ResolveAsync("demo/web", "v1", Ct));

        Assert.Contains("requires credentials", error.Message);
        Assert.Contains(registry.Address.Authority, error.Message);
    }
}
