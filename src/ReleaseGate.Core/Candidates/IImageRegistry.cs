namespace ReleaseGate.Core.Candidates;

/// <summary>The registries the portal reads images from (port; the registry v2 client fills it).</summary>
public interface IImageRegistry
{
    /// <summary>
    /// The digest the registry serves for <paramref name="repository"/> (<c>host:port/path</c>) at a tag or
    /// digest, or null when it has no such image. Throws <see cref="RegistryUnavailableException"/> when
    /// the registry cannot be asked.
    /// </summary>
    Task<string?> ResolveDigestAsync(string repository, string reference, CancellationToken ct);
}

public sealed class RegistryUnavailableException(string message, Exception? inner = null) : Exception(message, inner);
