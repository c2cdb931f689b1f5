namespace ReleaseGate.Web.Localization;

public sealed partial class UiText
{
    private static readonly Dictionary<string, (string En, string Zh)> PromotionTexts = new()
    {
        ["Promotion"] = ("Promotion to production", "发布到生产仓库"),
        ["PromotionCopying"] = ("Copying the signed digest to the production registry", "正在将已签核的摘要复制到生产仓库"),
        ["PromotionBytes"] = ("{0} of {1}", "{0} / {1}"),
        ["PromotionBlobs"] = ("{0} of {1} blobs", "{0} / {1} 个数据块"),
        ["PromotionDone"] = ("Production serves {0}.", "生产仓库已提供 {0}。"),
        ["PromotionFailed"] = ("The promotion failed", "发布失败"),
        ["PromotionAttempts"] = ("Attempt {0}", "第 {0} 次尝试"),
        ["PromotionRetry"] = ("Retry", "重试"),
        ["PromotionRetried"] = ("Promotion queued again.", "已重新排队发布。"),
    };
}
