using Microsoft.JSInterop;

namespace ReleaseGate.Web.Localization;

/// <summary>The viewer's time zone, asked of the browser once per circuit; UTC until then (and while prerendering).</summary>
public sealed class BrowserTime(IJSRuntime js)
{
    private bool asked;

    public TimeZoneInfo Zone { get; private set; } = TimeZoneInfo.Utc;

    /// <summary>Call from OnAfterRenderAsync; true when the zone changed and the caller should render again.</summary>
    public async Task<bool> EnsureAsync()
    {
        if (asked) return false;
        asked = true;
        try
        {
            var id = await js.InvokeAsync<string?>("releaseGate.timeZone");
            if (id is { Length: > 0 } && TimeZoneInfo.TryFindSystemTimeZoneById(id, out var zone) && zone.Id != Zone.Id)
            {
                Zone = zone;
                return true;
            }
        }
        catch (JSException) { }
        catch (JSDisconnectedException) { }
        return false;
    }

    public DateTimeOffset Local(DateTimeOffset at) => TimeZoneInfo.ConvertTime(at, Zone);
}
