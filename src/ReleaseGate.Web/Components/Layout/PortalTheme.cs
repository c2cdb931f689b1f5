using MudBlazor;

namespace ReleaseGate.Web.Components.Layout;

/// <summary>The portal's colours. App renders them as CSS variables once per page load, outside any circuit.</summary>
public static class PortalTheme
{
    public static readonly MudTheme Theme = new()
    {
        PaletteLight = new PaletteLight { Primary = "#1f4e79", AppbarBackground = "#1f4e79" },
    };
}
