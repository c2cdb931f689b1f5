using Microsoft.AspNetCore.Hosting;

namespace ReleaseGate.E2E;

/// <summary>A live portal whose "Sign in with GitLab" goes to the real test provider in scripts/oidc.</summary>
public class OidcPortal : LivePortal
{
    public const string QaGroup = "acme/qa-team";
    public const string AdminGroup = "acme/admins";

    public OidcProvider Provider { get; } = new();

    /// <summary>Where the portal looks for its provider; the down variant points at a port nothing listens on.</summary>
    protected virtual string Authority => Provider.Authority;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("ReleaseGate:Oidc:Authority", Authority);
        builder.UseSetting("ReleaseGate:Oidc:ClientId", OidcProvider.ClientId);
        builder.UseSetting("ReleaseGate:Oidc:ClientSecret", OidcProvider.ClientSecret);
        builder.UseSetting("ReleaseGate:Oidc:DisplayName", "GitLab");
        builder.UseSetting("ReleaseGate:Oidc:RoleGroups:QA", $"{QaGroup}, acme/testers");
        builder.UseSetting("ReleaseGate:Oidc:RoleGroups:ReleaseManager", "acme/release-managers");
        builder.UseSetting("ReleaseGate:Oidc:RoleGroups:Admin", AdminGroup);
        // Asked again every second, so a test sees a group change reach an open tab within seconds.
        builder.UseSetting("ReleaseGate:Oidc:RevalidateSeconds", "1");
    }

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        if (Authority == Provider.Authority) await Provider.StartAsync(Address);
    }

    public override async ValueTask DisposeAsync()
    {
        Provider.Dispose();
        await base.DisposeAsync();
    }
}

/// <summary>The same portal while its provider does not answer.</summary>
public sealed class OidcDownPortal : OidcPortal
{
    private readonly int closedPort = OidcProvider.FreePort();
    protected override string Authority => $"http://127.0.0.1:{closedPort}";
}
