namespace ReleaseGate.Core.Candidates;

/// <summary>Tells whoever watches (open boards and candidate pages) that a candidate changed. Port; called after a save.</summary>
public interface ICandidateChanges
{
    void Published(Guid candidateId);
}
