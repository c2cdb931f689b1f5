using System.Globalization;

namespace ReleaseGate.Web.Localization;

/// <summary>
/// Every text the portal shows, in English and Simplified Chinese side by side, so a missing
/// translation is visible in review and caught by a test rather than found by a user.
/// </summary>
public sealed partial class UiText
{
    public static readonly string[] Cultures = ["en", "zh-CN"];

    // Each feature keeps its texts in its own UiText.*.cs file as a static Dictionary field; all are merged here.
    // Lazy: static initialisers of partial files run in no promised order.
    private static readonly Lazy<Dictionary<string, (string En, string Zh)>> Merged = new(() => typeof(UiText)
        .GetFields(System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static)
        .Where(f => f.FieldType == typeof(Dictionary<string, (string En, string Zh)>))
        .SelectMany(f => (Dictionary<string, (string En, string Zh)>)f.GetValue(null)!)
        .ToDictionary(kv => kv.Key, kv => kv.Value));

    private static Dictionary<string, (string En, string Zh)> Texts => Merged.Value;

    private static readonly Dictionary<string, (string En, string Zh)> Common = new()
    {
        ["AppName"] = ("ReleaseGate", "ReleaseGate 发布闸门"),
        ["Board"] = ("Board", "发布看板"),
        ["Candidates"] = ("Candidates", "候选版本"),
        ["Schedule"] = ("Schedule", "发布计划"),
        ["Applications"] = ("Applications", "应用"),
        ["Swarm"] = ("Swarm", "Swarm 集群"),
        ["Audit"] = ("Audit", "审计日志"),
        ["SignIn"] = ("Sign in", "登录"),
        ["SignOut"] = ("Sign out", "退出登录"),
        ["Email"] = ("E-mail", "电子邮箱"),
        ["Password"] = ("Password", "密码"),
        ["RememberMe"] = ("Keep me signed in", "保持登录"),
        ["SignInFailed"] = ("Wrong e-mail or password.", "邮箱或密码错误。"),
        ["LockedOut"] = ("This account is disabled; ask an admin.", "此账号已停用,请联系管理员。"),
        ["SignInDelayed"] = ("Too many wrong passwords: wait {0} s before trying again.", "密码错误次数过多:请等待 {0} 秒后再试。"),
        ["AccessDenied"] = ("You do not have the role this page needs.", "您没有访问此页面所需的角色。"),
        ["Or"] = (" or ", " 或 "),
        ["NoAccessTitle"] = ("No access yet", "尚无访问权限"),
        ["NoAccess"] = ("Your account {0} holds no role yet, so there is nothing here you may see. Ask an administrator to give you one: Viewer is enough to read the board, candidates, releases and schedule.",
                        "您的账号 {0} 尚未分配任何角色,因此这里没有您可以查看的内容。请联系管理员为您分配角色:“只读”角色即可查看看板、候选版本、发布记录和发布计划。"),
        ["Language"] = ("Language", "语言"),
        ["Menu"] = ("Menu", "菜单"),
        ["Application"] = ("Application", "应用"),
        ["Production"] = ("In production", "生产环境"),
        ["InTest"] = ("Candidate in test", "测试中的候选版本"),
        ["Phase"] = ("Phase", "阶段"),
        ["Since"] = ("since", "自"),
        ["NothingReleased"] = ("nothing released yet", "尚未发布"),
        ["NoCandidate"] = ("no candidate", "暂无候选版本"),
        ["RegistryOnly"] = ("registry only", "仅镜像仓库"),
        ["RegistryOnlyHint"] = ("No Swarm service: released once the production registry serves the signed-off digest.",
                               "没有 Swarm 服务:生产镜像仓库提供已签核的镜像摘要即视为发布。"),
        ["NoApplications"] = ("No applications yet. An admin adds them on the Applications page or in the applications file.",
                             "还没有应用。管理员可在“应用”页面或应用配置文件中添加。"),
        ["Approvals"] = ("Approvals", "批准"),
        ["TestUrl"] = ("Test URL", "测试地址"),
        ["ComingSoon"] = ("This page arrives with a later release of ReleaseGate.", "此页面将在后续版本中提供。"),
        ["Loading"] = ("Loading…", "加载中…"),
        ["NotFound"] = ("There is nothing at this address.", "此地址没有内容。"),
        ["Error"] = ("Something went wrong; the error has been logged.", "出错了,错误已记录。"),
    };

    public static IReadOnlyDictionary<string, (string En, string Zh)> All => Texts;

    public string this[string key] => Get(key, CultureInfo.CurrentUICulture);

    public string Format(string key, params object[] args) => string.Format(CultureInfo.CurrentCulture, this[key], args);

    public static string Get(string key, CultureInfo culture)
    {
        if (!Texts.TryGetValue(key, out var text)) throw new KeyNotFoundException($"No UI text '{key}'.");
        return culture.Name.StartsWith("zh", StringComparison.OrdinalIgnoreCase) ? text.Zh : text.En;
    }
}
