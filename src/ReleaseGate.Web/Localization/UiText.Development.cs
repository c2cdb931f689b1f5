namespace ReleaseGate.Web.Localization;

public sealed partial class UiText
{
    // The development environment on the board: the newest develop build, outside the gate.
    private static readonly Dictionary<string, (string En, string Zh)> Development = new()
    {
        ["Development"] = ("Development", "开发环境"),
        ["NoDevelopment"] = ("no develop build", "暂无开发构建"),
        ["DevelopmentBuild"] = ("build", "构建"),
        ["DevelopmentQueued"] = ("Queued", "排队中"),
        ["DevelopmentDeploying"] = ("Deploying", "部署中"),
        ["DevelopmentRunning"] = ("Running", "运行中"),
        ["DevelopmentFailed"] = ("Failed", "部署失败"),
    };
}
