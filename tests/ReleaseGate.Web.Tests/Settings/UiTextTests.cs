using ReleaseGate.Web.Localization;

namespace ReleaseGate.Web.Tests;

public class UiTextTests
{
    [Fact]
    public void Every_text_has_english_and_chinese()
    {
        foreach (var (key, (en, zh)) in UiText.All)
        {
            Assert.False(string.IsNullOrWhiteSpace(en), $"{key} has no English");
            Assert.False(string.IsNullOrWhiteSpace(zh), $"{key} has no Chinese");
        }
    }

    [Fact]
    public void Chinese_is_chosen_for_zh_cultures() =>
        Assert.Equal("发布看板", UiText.Get("Board", new System.Globalization.CultureInfo("zh-CN")));
}
