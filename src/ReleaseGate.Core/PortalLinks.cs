namespace ReleaseGate.Core;

/// <summary>Addresses of portal pages, for mails (built from ReleaseGate__PublicUrl).</summary>
public sealed class PortalLinks(Uri publicUrl)
{
    public string Candidate(Guid id) => new Uri(publicUrl, $"candidates/{id}").ToString();

    public string Board() => publicUrl.ToString();
}
