using System.Text.Json;
using System.Text.RegularExpressions;

namespace ReleaseGate.Web.Api;

/// <summary>Reads a JSON object field by field, collecting one clear error per field at fault.</summary>
public sealed class JsonFields(JsonElement root, string prefix = "")
{
    public Dictionary<string, string[]> Errors { get; } = new();

    public bool IsValid => Errors.Count == 0;

    public void Fail(string name, string message)
    {
        var key = prefix + name;
        Errors[key] = Errors.TryGetValue(key, out var existing) ? [.. existing, message] : [message];
    }

    public string? String(string name, bool required, int maxLength, Regex? pattern = null, string? patternHint = null)
    {
        if (!root.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            if (required) Fail(name, "is required.");
            return null;
        }
        if (value.ValueKind != JsonValueKind.String) { Fail(name, "must be a string."); return null; }
        var s = value.GetString()!;
        if (required && string.IsNullOrWhiteSpace(s)) { Fail(name, "must not be empty."); return null; }
        if (s.Length > maxLength) { Fail(name, $"must be at most {maxLength} characters."); return null; }
        if (pattern is not null && s.Length > 0 && !pattern.IsMatch(s)) { Fail(name, patternHint ?? "has the wrong form."); return null; }
        return s;
    }

    public int? Int(string name, bool required, int min, int max)
    {
        if (!root.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            if (required) Fail(name, "is required.");
            return null;
        }
        if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt32(out var n)) { Fail(name, "must be a whole number."); return null; }
        if (n < min || n > max) { Fail(name, $"must be between {min} and {max}."); return null; }
        return n;
    }

    public string? Url(string name, bool required)
    {
        var s = String(name, required, 2048);
        if (s is null) return null;
        if (!Uri.TryCreate(s, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
        {
            Fail(name, "must be an absolute http or https URL.");
            return null;
        }
        return s;
    }

    public List<T> Array<T>(string name, int maxItems, Func<JsonFields, T?> readItem) where T : class
    {
        var items = new List<T>();
        if (!root.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null) return items;
        if (value.ValueKind != JsonValueKind.Array) { Fail(name, "must be an array."); return items; }
        if (value.GetArrayLength() > maxItems) { Fail(name, $"must have at most {maxItems} items."); return items; }
        var i = 0;
        foreach (var element in value.EnumerateArray())
        {
            var item = new JsonFields(element, $"{prefix}{name}[{i++}].");
            if (element.ValueKind != JsonValueKind.Object && typeof(T) != typeof(string)) { Fail($"{name}[{i - 1}]", "must be an object."); continue; }
            var read = readItem(item);
            foreach (var (k, v) in item.Errors) Errors[k] = v;
            if (read is not null) items.Add(read);
        }
        return items;
    }

    public List<string> Strings(string name, int maxItems, int maxLength)
    {
        var items = new List<string>();
        if (!root.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null) return items;
        if (value.ValueKind != JsonValueKind.Array) { Fail(name, "must be an array of strings."); return items; }
        if (value.GetArrayLength() > maxItems) { Fail(name, $"must have at most {maxItems} items."); return items; }
        var i = 0;
        foreach (var element in value.EnumerateArray())
        {
            if (element.ValueKind != JsonValueKind.String) Fail($"{name}[{i}]", "must be a string.");
            else if (element.GetString()!.Length > maxLength) Fail($"{name}[{i}]", $"must be at most {maxLength} characters.");
            else items.Add(element.GetString()!);
            i++;
        }
        return items;
    }

    /// <summary>Parses the body as one JSON object, or says what is wrong with it.</summary>
    public static bool TryParseObject(ReadOnlyMemory<byte> body, out JsonDocument? document, out string? error)
    {
        document = null;
        error = null;
        try
        {
            document = JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = 16 });
        }
        catch (JsonException e)
        {
            error = $"The body is not valid JSON: {e.Message}";
            return false;
        }
        if (document.RootElement.ValueKind == JsonValueKind.Object) return true;
        error = "The body must be a JSON object.";
        document.Dispose();
        document = null;
        return false;
    }
}
