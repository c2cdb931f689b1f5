using Microsoft.AspNetCore.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using ReleaseGate.Core.Audit;

namespace ReleaseGate.E2E;

/// <summary>The portal with a checkpoint key, as an operator sets it.</summary>
public sealed class AnchoredPortal : LivePortal
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("ReleaseGate:Audit:CheckpointKey", "e2e-checkpoint-key-0123456789abcdef0123");
    }
}

/// <summary>The Audit page's verdict in Chromium, in both languages: anchored while untouched, then the cut tail named.</summary>
public class AuditAnchorInBrowserTests(AnchoredPortal portal) : IClassFixture<AnchoredPortal>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_audit_page_says_the_trail_is_anchored_then_names_the_checkpoint_past_a_cut_tail()
    {
        var locales = new[] { ("en-US", "Anchored", "cut off"), ("zh-CN", "已锚定", "被截断") };
        var pages = new List<IPage>();
        foreach (var (locale, _, _) in locales)
        {
            var page = await portal.SignedInAtAsync("/audit", locale); // each sign-in is an audit row
            await page.SetViewportSizeAsync(1440, 900);
            pages.Add(page);
        }
        // The job's use case anchors the head now, as it would after N rows or at shutdown.
        await using (var scope = portal.Services.CreateAsyncScope())
            Assert.NotNull(await scope.ServiceProvider.GetRequiredService<WriteAuditCheckpoint>().RunAsync(1, Ct));

        foreach (var (page, (locale, anchored, _)) in pages.Zip(locales))
        {
            await page.ClickAsync("#audit-verify");
            await Assertions.Expect(page.Locator("#audit-anchor")).ToContainTextAsync(anchored);
            await LivePortal.ShotAsync(page, $"audit-anchored-{locale}");
        }

        // The attacker cuts the newest row off: the chain alone is still whole, the checkpoint names what is gone.
        await using (var db = portal.CreateDb())
        {
            var head = await db.AuditEvents.MaxAsync(a => a.Sequence, Ct);
            await db.AuditEvents.Where(a => a.Sequence == head).ExecuteDeleteAsync(Ct);
        }
        foreach (var (page, (locale, _, cut)) in pages.Zip(locales))
        {
            await page.ClickAsync("#audit-verify");
            await Assertions.Expect(page.Locator("#audit-verdict")).ToContainTextAsync(cut);
            await LivePortal.ShotAsync(page, $"audit-cut-{locale}");
            await page.Context.CloseAsync();
        }
    }
}
