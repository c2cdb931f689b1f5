using ReleaseGate.Core.Candidates;

namespace ReleaseGate.Web.Tests;

/// <summary>The test host reached as a remote one is: tcp with TLS client certificates (the infra engine's own TLS listener).</summary>
public class DockerTlsTests
{
    private static readonly TimeSpan Deploy = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task A_candidate_is_deployed_through_a_tls_docker_host()
    {
        using var portal = new ApiPortal();
        portal.Settings["ReleaseGate:TestEnvironment:DockerHost"] = Infra.Get("RG_DOCKER_TLS_HOST");
        portal.Settings["ReleaseGate:TestEnvironment:TlsCertificatesPath"] = Infra.Get("RG_DOCKER_TLS_CERTS");
        portal.Mail.Start();
        await portal.SeedDemoAsync("tls-deploy");

        var id = await portal.RegisterAsync("tls-deploy", "127.0.0.1:5001/demo/web:v1", 1);
        var candidate = await portal.WaitForPhaseAsync(id, Deploy, CandidatePhase.AwaitingSignOff, CandidatePhase.DeployFailed);

        Assert.Equal(CandidatePhase.AwaitingSignOff, candidate.Phase);
        Assert.Single(await TestContainers.OfAsync("tls-deploy"));
    }

    [Fact]
    public async Task Without_the_client_certificate_the_deployment_fails_with_the_engines_answer()
    {
        using var portal = new ApiPortal();
        portal.Settings["ReleaseGate:TestEnvironment:DockerHost"] = Infra.Get("RG_DOCKER_TLS_HOST");
        portal.Mail.Start();
        await portal.SeedDemoAsync("tls-refused");

        var id = await portal.RegisterAsync("tls-refused", "127.0.0.1:5001/demo/web:v1", 1);
        var candidate = await portal.WaitForPhaseAsync(id, Deploy, CandidatePhase.AwaitingSignOff, CandidatePhase.DeployFailed);

        Assert.Equal(CandidatePhase.DeployFailed, candidate.Phase);
        Assert.Contains("The test host could not", candidate.Events.Single(e => e.Kind == "DeployFailed").Message);
        Assert.Contains("HTTPS", candidate.Events.Single(e => e.Kind == "DeployFailed").Message);
    }

    [Fact]
    public void A_certificates_folder_without_the_three_files_stops_the_start()
    {
        using var portal = new ApiPortal();
        portal.Settings["ReleaseGate:TestEnvironment:DockerHost"] = Infra.Get("RG_DOCKER_TLS_HOST");
        portal.Settings["ReleaseGate:TestEnvironment:TlsCertificatesPath"] = Path.GetTempPath();

        var error = Assert.Throws<Settings.InvalidSettingsException>(() => portal.CreateClient());
        Assert.Contains(error.Problems, p => p.StartsWith("ReleaseGate__TestEnvironment__TlsCertificatesPath:"));
    }
}
