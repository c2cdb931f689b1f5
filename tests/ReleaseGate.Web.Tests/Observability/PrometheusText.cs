using System.Globalization;
using System.Text.RegularExpressions;

namespace ReleaseGate.Web.Tests;

/// <summary>Prometheus' text format read into samples, so a test checks values, not substrings.</summary>
public sealed partial record PrometheusSample(string Name, IReadOnlyDictionary<string, string> Labels, double Value)
{
    [GeneratedRegex(@"^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?<labels>.*)\})?\s+(?<value>\S+)(\s+\d+)?$")]
    private static partial Regex Line();

    [GeneratedRegex(@"(?<key>[a-zA-Z_][a-zA-Z0-9_]*)=""(?<value>(?:[^""\\]|\\.)*)""")]
    private static partial Regex Label();

    public static List<PrometheusSample> Parse(string text) =>
        text.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#')).Select(l =>
        {
            var m = Line().Match(l);
            if (!m.Success) throw new FormatException($"Not a Prometheus sample: {l}");
            var labels = Label().Matches(m.Groups["labels"].Value).ToDictionary(x => x.Groups["key"].Value, x => Regex.Unescape(x.Groups["value"].Value));
            var raw = m.Groups["value"].Value;
            var value = raw switch { "+Inf" => double.PositiveInfinity, "-Inf" => double.NegativeInfinity, _ => double.Parse(raw, CultureInfo.InvariantCulture) };
            return new PrometheusSample(m.Groups["name"].Value, labels, value);
        }).ToList();
}

public static class PrometheusSamples
{
    /// <summary>The samples of one series name whose labels include all the given ones.</summary>
    public static List<PrometheusSample> Where(this IEnumerable<PrometheusSample> samples, string name, params (string Key, string Value)[] labels) =>
        samples.Where(s => s.Name == name && labels.All(l => s.Labels.TryGetValue(l.Key, out var v) && v == l.Value)).ToList();

    /// <summary>The one sample of that name and labels; fails naming what was there.</summary>
    public static double Single(this IEnumerable<PrometheusSample> samples, string name, params (string Key, string Value)[] labels)
    {
        var found = samples.Where(name, labels);
        Assert.True(found.Count == 1, $"{found.Count} samples of {name} with {string.Join(",", labels)}: "
            + string.Join(" | ", samples.Where(s => s.Name == name).Select(s => $"{string.Join(",", s.Labels)}={s.Value}")));
        return found[0].Value;
    }
}
