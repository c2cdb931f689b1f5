using Microsoft.AspNetCore.Components;

namespace ReleaseGate.Web.Components.Shared;

/// <summary>
/// A Material icon as MudIcon draws it, as markup rather than a component: built once and shared by every circuit,
/// where a MudIcon is a component with its own state in each open tab.
/// </summary>
public static class SvgIcon
{
    public static MarkupString Of(string path, string? extraClass = null) =>
        new($"<svg class=\"mud-icon-root mud-svg-icon mud-icon-size-medium {extraClass}\" focusable=\"false\" viewBox=\"0 0 24 24\" aria-hidden=\"true\">{path}</svg>");
}
