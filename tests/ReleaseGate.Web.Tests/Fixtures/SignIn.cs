using System.Text.RegularExpressions;

namespace ReleaseGate.Web.Tests;

/// <summary>Signs in the way a browser does: fetch the form, post it back with its antiforgery token.</summary>
public static partial class SignIn
{
    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex Token();

    /// <summary>Where a redirect leads, as a local path when it stays on the portal, else the whole address.</summary>
    public static string RedirectTarget(HttpResponseMessage response)
    {
        if (response.Headers.Location is null) return "";
        var location = new Uri(new Uri("http://localhost/"), response.Headers.Location);
        return location.Host == "localhost" ? location.PathAndQuery : location.ToString();
    }

    public static async Task<HttpResponseMessage> PostAsync(HttpClient client, string email, string password, string returnUrl = "/")
    {
        var form = await client.GetStringAsync("/account/login");
        var token = Token().Match(form).Groups[1].Value;
        return await client.PostAsync($"/account/login?ReturnUrl={Uri.EscapeDataString(returnUrl)}", new FormUrlEncodedContent(
        [
            new("_handler", "login"),
            new("__RequestVerificationToken", token),
            new("Input.Email", email),
            new("Input.Password", password),
        ]));
    }
}
