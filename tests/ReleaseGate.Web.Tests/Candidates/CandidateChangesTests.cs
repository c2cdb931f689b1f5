using System.Globalization;
using Microsoft.Extensions.Logging.Abstractions;
using ReleaseGate.Web.Components.Candidates;

namespace ReleaseGate.Web.Tests;

/// <summary>A live page is told of a change in its own language, whoever published it.</summary>
public class CandidateChangesTests
{
    [Fact]
    public async Task A_page_subscribed_in_chinese_is_called_in_chinese_when_an_english_job_publishes_and_the_job_keeps_its_own()
    {
        var changes = new CandidateChanges(NullLogger<CandidateChanges>.Instance);
        var id = Guid.NewGuid();
        var heard = new TaskCompletionSource<(string Culture, string UiCulture)>(TaskCreationOptions.RunContinuationsAsynchronously);
        var (culture, uiCulture) = (CultureInfo.CurrentCulture, CultureInfo.CurrentUICulture);
        try
        {
            CultureInfo.CurrentCulture = CultureInfo.CurrentUICulture = new CultureInfo("zh-CN");
            using var page = changes.Subscribe(id, async _ =>
            {
                await Task.Yield(); // as a page's InvokeAsync does: the culture must survive the hop
                heard.TrySetResult((CultureInfo.CurrentCulture.Name, CultureInfo.CurrentUICulture.Name));
            });

            var job = await Task.Run(() =>
            {
                CultureInfo.CurrentCulture = CultureInfo.CurrentUICulture = new CultureInfo("en-US");
                changes.Published(id);
                return CultureInfo.CurrentUICulture.Name;
            }, TestContext.Current.CancellationToken);

            Assert.Equal(("zh-CN", "zh-CN"), await heard.Task.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken));
            Assert.Equal("en-US", job);
        }
        finally
        {
            (CultureInfo.CurrentCulture, CultureInfo.CurrentUICulture) = (culture, uiCulture);
        }
    }
}
