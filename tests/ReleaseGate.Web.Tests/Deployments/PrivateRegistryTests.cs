using System.Net;
using Docker.DotNet;
using Docker.DotNet.Models;
using ReleaseGate.Core.Candidates;
using ReleaseGate.Registry;

namespace ReleaseGate.Web.Tests;

/// <summary>A staging registry that wants a user and password: the portal resolves and the test host pulls with them.</summary>
public class PrivateRegistryTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private static string Registry => Infra.Get("RG_PRIVATE_REGISTRY");
    private static string User => Infra.Get("RG_PRIVATE_REGISTRY_USER");
    private static string PasswordFile => Infra.Get("RG_PRIVATE_REGISTRY_PASSWORD_FILE");

    /// <summary>The demo image in the private registry, and not on the engine under that name, so the deployment must pull it.</summary>
    private static async Task PrepareAsync()
    {
        using var http = new HttpClient();
        var staging = new RegistryClient(http, new RegistryEndpoint(new Uri("http://127.0.0.1:5001")));
        var @private = new RegistryClient(http, new RegistryEndpoint(new Uri($"http://{Registry}"), User, File.ReadAllText(PasswordFile).Trim()));
        await RegistryClient.CopyAsync(staging, "demo/web", Infra.WebV1Digest, @private, "demo/web", "v1", null, Ct);
        using var docker = TestContainers.Engine();
        // Under any repository of this registry: the engine finds a digest it holds under another name of the same
        // registry (other tests push the same image there), and would then not pull at all.
        var held = (await docker.Images.ListImagesAsync(new ImagesListParameters { All = true }, Ct))
            .SelectMany(i => i.RepoDigests ?? []).Where(r => r.StartsWith(Registry + "/", StringComparison.Ordinal) && r.EndsWith("@" + Infra.WebV1Digest, StringComparison.Ordinal));
        foreach (var reference in held.Append($"{Registry}/demo/web@{Infra.WebV1Digest}").Distinct())
        {
            try { await docker.Images.DeleteImageAsync(reference, new ImageDeleteParameters { Force = true }, Ct); }
            catch (DockerImageNotFoundException) { }
        }
    }

    /// <summary>The portal's own staging credential; the test engine's pull credential only when given (one per use, no fallback).</summary>
    private static ApiPortal Portal(string password, bool pullCredential = true)
    {
        var portal = new ApiPortal();
        portal.Settings["ReleaseGate:Registries:Staging"] = $"http://{Registry}";
        portal.Settings["ReleaseGate:Registries:StagingUserName"] = User;
        portal.Settings["ReleaseGate:Registries:StagingPassword"] = password;
        if (pullCredential)
        {
            portal.Settings["ReleaseGate:Registries:StagingPullUserName"] = User;
            portal.Settings["ReleaseGate:Registries:StagingPullPasswordFile"] = PasswordFile;
        }
        return portal;
    }

    /// <summary>
    /// An image pushed to the private registry under a new name and content (a commit adds a layer), then removed from the
    /// engine: the engine has never pulled its manifest, so only credentials can fetch it. (The demo image's digest would
    /// not do: an engine that once pulled a manifest pulls it again without asking the registry.)
    /// </summary>
    private static async Task<string> UnseenImageAsync()
    {
        var repository = $"nopull-{Guid.NewGuid():N}"[..18] + "/web";
        using var docker = TestContainers.Engine();
        await docker.Images.CreateImageAsync(new ImagesCreateParameters { FromImage = "127.0.0.1:5001/demo/web", Tag = Infra.WebV1Digest }, null, new Progress<JSONMessage>(), Ct);
        var container = await docker.Containers.CreateContainerAsync(new CreateContainerParameters { Image = $"127.0.0.1:5001/demo/web@{Infra.WebV1Digest}" }, Ct);
        string id;
        try
        {
            id = (await docker.Images.CommitContainerChangesAsync(new CommitContainerChangesParameters
                { ContainerID = container.ID, RepositoryName = $"{Registry}/{repository}", Tag = "v1" }, Ct)).ID;
        }
        finally
        {
            await docker.Containers.RemoveContainerAsync(container.ID, new ContainerRemoveParameters { Force = true }, Ct);
        }
        string? error = null;
        await docker.Images.PushImageAsync($"{Registry}/{repository}", new ImagePushParameters { Tag = "v1" },
            new AuthConfig { Username = User, Password = File.ReadAllText(PasswordFile).Trim(), ServerAddress = Registry }, new Progress<JSONMessage>(m => error ??= m.Error?.Message), Ct);
        Assert.Null(error);
        await docker.Images.DeleteImageAsync(id, new ImageDeleteParameters { Force = true }, Ct);
        return repository;
    }

    [Fact]
    public async Task The_test_host_never_pulls_with_the_portals_own_staging_credential()
    {
        var repository = await UnseenImageAsync();
        using var portal = Portal(File.ReadAllText(PasswordFile).Trim(), pullCredential: false);
        portal.Mail.Start();
        await portal.SeedDemoAsync("private-no-pull", repository: repository, stagingHost: Registry);

        // The portal resolves the tag with its own credential; the engine, given none for pulling, is refused by the registry.
        var id = await portal.RegisterAsync("private-no-pull", $"{Registry}/{repository}:v1", 1);
        var candidate = await portal.WaitForPhaseAsync(id, TimeSpan.FromSeconds(90), CandidatePhase.AwaitingSignOff, CandidatePhase.DeployFailed);

        Assert.Equal(CandidatePhase.DeployFailed, candidate.Phase);
        Assert.Contains("no basic auth credentials", candidate.Events.Last(e => e.Kind == nameof(CandidatePhase.DeployFailed)).Message);
    }

    [Fact]
    public async Task With_the_configured_credentials_a_candidate_is_registered_and_pulled_onto_the_test_host()
    {
        await PrepareAsync();
        using var portal = Portal(File.ReadAllText(PasswordFile).Trim());
        portal.Mail.Start();
        await portal.SeedDemoAsync("private-web", repository: "demo/web", stagingHost: Registry);

        var id = await portal.RegisterAsync("private-web", $"{Registry}/demo/web:v1", 1);
        var candidate = await portal.WaitForPhaseAsync(id, TimeSpan.FromSeconds(90), CandidatePhase.AwaitingSignOff, CandidatePhase.DeployFailed);

        Assert.Equal(CandidatePhase.AwaitingSignOff, candidate.Phase);
        Assert.Equal(Infra.WebV1Digest, candidate.Digest);
        using var docker = TestContainers.Engine();
        var image = await docker.Images.InspectImageAsync($"{Registry}/demo/web@{Infra.WebV1Digest}", Ct);
        Assert.Contains($"{Registry}/demo/web@{Infra.WebV1Digest}", image.RepoDigests);
    }

    [Fact]
    public async Task With_a_wrong_password_registration_is_refused_naming_the_credentials()
    {
        using var portal = Portal("not-the-password");
        await portal.SeedDemoAsync("private-refused", repository: "demo/web", stagingHost: Registry);

        var response = await portal.Api().PostAsync("/api/v1/candidates", $$"""
            {"application":"private-refused","image":"{{Registry}}/demo/web:v1","commit":"9fceb02d0ae598e95dc970b74767f19372d61af8",
             "buildNumber":1,"buildUrl":"https://jenkins.example.com/job/p/1/","submittedBy":"dev@example.com"}
            """);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Contains("refused the credentials", await response.Content.ReadAsStringAsync(Ct));
    }
}
