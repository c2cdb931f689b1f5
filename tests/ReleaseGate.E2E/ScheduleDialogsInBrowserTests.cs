using System.Globalization;
using Microsoft.Playwright;

namespace ReleaseGate.E2E;

/// <summary>The freeze and override dialogs of the schedule page in Chromium; what they saved is read back over the API.</summary>
[Collection(GateCollection.Name)]
public class ScheduleDialogsInBrowserTests(GatePortal portal)
{
    [Fact]
    public async Task A_release_manager_freezes_a_period_and_overrides_one_frozen_cutoff_through_the_dialogs()
    {
        // Ten days ahead, so the freeze holds nothing the other tests release now.
        var start = DateTime.UtcNow.Date.AddDays(10);
        string Text(DateTime at) => at.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);
        var window = $"Hotfix window {Guid.NewGuid():N}"[..21];
        var page = await portal.SignedInPageAsync(GatePortal.Rm, GatePortal.Password);
        await page.SetViewportSizeAsync(1440, 1000);
        await page.GotoAsync("/schedule");
        await page.WaitForSelectorAsync("#rg-interactive", new() { State = WaitForSelectorState.Attached });

        await page.Locator("#new-freeze").ClickAsync();
        await page.FillAsync("#freeze-reason", "Year-end freeze");
        await page.FillAsync("#freeze-starts-at", Text(start.AddDays(1)));
        await page.FillAsync("#freeze-ends-at", Text(start)); // ends before it starts: refused at the field
        await page.FillAsync("#freeze-time-zone", "UTC");
        await page.Locator("#freeze-save").ClickAsync();
        await Assertions.Expect(page.Locator(".mud-dialog .mud-input-control", new() { Has = page.Locator("#freeze-ends-at") })).ToContainTextAsync("must end after it starts");
        await page.FillAsync("#freeze-starts-at", Text(start));
        await page.FillAsync("#freeze-ends-at", Text(start.AddDays(1)));
        await page.Locator("#freeze-save").ClickAsync();
        await Assertions.Expect(page.Locator("#freezes tr[data-freeze='Year-end freeze']")).ToBeVisibleAsync();

        var (_, freezes) = await portal.CallAsync(HttpMethod.Get, "/api/v1/freezes");
        var freeze = Assert.Single(freezes.EnumerateArray(), f => f.GetProperty("reason").GetString() == "Year-end freeze");
        Assert.Equal(new DateTimeOffset(start, TimeSpan.Zero), freeze.GetProperty("startsAt").GetDateTimeOffset());

        // A one-off window inside the freeze, made over the API: the page shows its cutoff frozen, with Override.
        var (status, body) = await portal.CallAsync(HttpMethod.Post, "/api/v1/windows",
            $$"""{"name":"{{window}}","cutoffAt":"{{start.AddHours(12):O}}","timeZone":"UTC"}""");
        Assert.True(status == 201, body.ToString());
        await page.ReloadAsync();
        await page.WaitForSelectorAsync("#rg-interactive", new() { State = WaitForSelectorState.Attached });
        var row = page.Locator($"#upcoming-cutoffs tr[data-window='{window}']");
        await Assertions.Expect(row.Locator("[data-state]")).ToHaveAttributeAsync("data-state", "Frozen");

        await row.Locator("button").ClickAsync();
        await page.Locator("#override-confirm").ClickAsync(); // no reason: refused, the cutoff stays frozen
        await Assertions.Expect(page.Locator(".mud-dialog .mud-input-control", new() { Has = page.Locator("#override-reason") })).ToContainTextAsync("An override needs a reason");
        await page.FillAsync("#override-reason", "Security fix for the payment page");
        await LivePortal.ShotAsync(page, "override-dialog-en-US");
        await page.Locator("#override-confirm").ClickAsync();

        await Assertions.Expect(row.Locator("[data-state]")).ToHaveAttributeAsync("data-state", "Overridden");
        await page.Context.CloseAsync();
        var (_, audit) = await portal.CallAsync(HttpMethod.Get, "/api/v1/audit?action=cutoff.override&format=json");
        Assert.Contains(audit.EnumerateArray(), a => a.GetProperty("subject").GetString() == window
            && a.GetProperty("details").GetString()!.EndsWith(": Security fix for the payment page"));
    }
}
