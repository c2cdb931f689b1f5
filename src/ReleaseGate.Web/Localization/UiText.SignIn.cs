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
        ["Oidc.unverified"] = ("An account with your e-mail exists, but {0} has not verified that address, so they were not linked. Ask an admin.",
                               "已存在使用您邮箱的账号,但 {0} 未验证该地址,因此未关联。请联系管理员。"),
    };
}
