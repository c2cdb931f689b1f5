namespace ReleaseGate.Web.Localization;

public sealed partial class UiText
{
    // Sign-in with an OpenID Connect provider; {0} is the provider's display name (ReleaseGate__Oidc__DisplayName).
    private static readonly Dictionary<string, (string En, string Zh)> SignInTexts = new()
    {
        ["Oidc.SignInWith"] = ("Sign in with {0}", "使用 {0} 登录"),
        ["Oidc.Or"] = ("or with a local account", "或使用本地账号"),
        ["Oidc.down"] = ("{0} did not answer, so signing in with it is not possible right now. Local accounts still work; try {0} again later.",
                         "{0} 没有响应,暂时无法使用它登录。本地账号仍可使用;请稍后再试 {0}。"),
        ["Oidc.failed"] = ("Signing in with {0} did not succeed. Try again, or sign in with a local account.",
                           "使用 {0} 登录未成功。请重试,或使用本地账号登录。"),
        ["Oidc.disabled"] = ("Your account is disabled; ask an admin.", "您的账号已停用,请联系管理员。"),
        ["Oidc.noemail"] = ("{0} did not give an e-mail address; the portal needs one to know you.",
                            "{0} 没有提供电子邮箱地址,门户需要它来识别您。"),
        ["Oidc.notlinked"] = ("An account with your e-mail already exists and is not linked to {0}, so it was not signed in. Sign in with its password and link {0} under My account, or ask an admin to link it.",
                              "已存在使用您邮箱的账号,但它未关联 {0},因此未登录。请用该账号的密码登录,在“我的账号”中关联 {0},或请管理员关联。"),
        // My account: linking one's provider login while signed in locally.
        ["Link.Title"] = ("Sign-in with {0}", "使用 {0} 登录"),
        ["Link.None"] = ("Not linked: sign in with {0} once here to use it from now on. Your roles then follow your {0} groups.",
                         "未关联:在此用 {0} 登录一次,以后即可使用它登录。之后您的角色将随 {0} 中的组变化。"),
        ["Link.Linked"] = ("Linked to your {0} login. Your roles follow your {0} groups.", "已关联您的 {0} 登录。您的角色随 {0} 中的组变化。"),
        ["Link.Button"] = ("Link {0}", "关联 {0}"),
        ["Link.linked"] = ("Your {0} login is now linked to this account.", "您的 {0} 登录已关联到此账号。"),
        ["Link.taken"] = ("That {0} login is already linked to another account, or this account to another {0} login; ask an admin.",
                          "该 {0} 登录已关联到其他账号,或此账号已关联另一个 {0} 登录;请联系管理员。"),
        ["Link.failed"] = ("Linking {0} did not succeed. Try again.", "关联 {0} 未成功。请重试。"),
    };
}
