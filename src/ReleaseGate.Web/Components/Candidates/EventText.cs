using System.Text.RegularExpressions;
using ReleaseGate.Core.Candidates;
using ReleaseGate.Web.Localization;

namespace ReleaseGate.Web.Components.Candidates;

/// <summary>
/// A timeline event written in the viewer's language from its kind and fields. Rows written before events had
/// fields, and kinds without a sentence here, show the English message they were stored with.
/// </summary>
public static partial class EventText
{
    public static string Kind(UiText l, string kind) =>
        Enum.TryParse<CandidatePhase>(kind, out var phase) ? l[$"Phase{phase}"]
        : UiText.All.ContainsKey($"Event{kind}") ? l[$"Event{kind}"] : kind;

    public static string Sentence(UiText l, CandidateEvent e)
    {
        // One kind can be reached two ways (AwaitingSignOff after a deployment, or after a withdrawn approval).
        var key = e.Fields.ContainsKey("testUrl") ? $"Timeline.{e.Kind}.Deployed" : $"Timeline.{e.Kind}";
        if (e.Kind == CandidateEventKinds.Approval || e.Kind == nameof(CandidatePhase.Rejected))
            key += e.Fields.GetValueOrDefault("comment", "").Length > 0 ? ".Comment" : "";
        if (e.Fields.ContainsKey("override")) key += ".Override";
        if (e.Fields.ContainsKey("shortfall")) key += ".Short";
        if (e.Fields.ContainsKey("next")) key += ".Next";
        if (e.Kind == nameof(CandidatePhase.Released) && e.Fields.ContainsKey("service")) key += ".Service";
        if (!UiText.All.ContainsKey(key)) return e.Message;
        var missing = false;
        var text = Placeholder().Replace(l[key], m =>
        {
            if (e.Fields.TryGetValue(m.Groups[1].Value, out var value)) return value;
            missing = true;
            return m.Value;
        });
        return missing ? e.Message : text;
    }

    [GeneratedRegex(@"\{([a-zA-Z]+)\}")]
    private static partial Regex Placeholder();
}
