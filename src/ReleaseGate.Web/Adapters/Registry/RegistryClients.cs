using Microsoft.Extensions.Options;
using ReleaseGate.Core.Candidates;
using ReleaseGate.Registry;
using ReleaseGate.Web.Settings;

namespace ReleaseGate.Web.Adapters.Registry;

/// <summary>The staging and production registries, each one client kept for the process (tokens are cached in it).</summary>
public sealed class RegistryClients : IImageRegistry, IDisposable
{
    private readonly HttpClient http = new(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
    {
        Timeout = TimeSpan.FromMinutes(30), // layers are large; each call has its own cancellation
    };

    public RegistryClients(IOptions<RegistriesSettings> options)
    {
        var s = options.Value;
        var realms = s.AllowedRealmHosts();
        Staging = new RegistryClient(http, new RegistryEndpoint(s.Staging, s.StagingUserName, SettingsCheck.ReadSecret(s.StagingPassword, s.StagingPasswordFile), s.StagingName) { TokenRealmHosts = realms });
        Production = new RegistryClient(http, new RegistryEndpoint(s.Production, s.ProductionUserName, SettingsCheck.ReadSecret(s.ProductionPassword, s.ProductionPasswordFile), s.ProductionName) { TokenRealmHosts = realms });
    }

    public RegistryClient Staging { get; }
    public RegistryClient Production { get; }

    /// <summary>The client for an image reference's registry (host:port), or null for a registry we do not know.</summary>
    public RegistryClient? For(string authority) =>
        string.Equals(authority, Staging.Endpoint.Authority, StringComparison.OrdinalIgnoreCase) ? Staging
        : string.Equals(authority, Production.Endpoint.Authority, StringComparison.OrdinalIgnoreCase) ? Production
        : null;

    public async Task<string?> ResolveDigestAsync(string repository, string reference, CancellationToken ct)
    {
        var slash = repository.IndexOf('/');
        var client = For(repository[..slash])
            ?? throw new RegistryUnavailableException($"{repository[..slash]} is neither the staging nor the production registry (ReleaseGate__Registries__Staging / __Production, or the names __StagingName / __ProductionName).");
        try
        {
            return (await client.ResolveAsync(repository[(slash + 1)..], reference, ct))?.Digest;
        }
        catch (RegistryException e)
        {
            throw new RegistryUnavailableException(e.Message, e);
        }
    }

    public void Dispose() => http.Dispose();
}
