namespace ReleaseGate.Web.Localization;

public sealed partial class UiText
{
    private static readonly Dictionary<string, (string En, string Zh)> Security = new()
    {
        ["AccountDisabled"] = ("Your account was disabled: nothing more is recorded from this tab. Sign in again, or ask an admin.",
                               "您的账号已被停用:此标签页不会再记录任何操作。请重新登录,或联系管理员。"),
        ["AccountChanged"] = ("Your account was changed (roles or password): sign in again.", "您的账号已变更(角色或密码):请重新登录。"),
        ["AccountSignedOut"] = ("You signed out of this session (in another tab or window): sign in again.", "您已退出此会话(在其他标签页或窗口中):请重新登录。"),
        ["AccountExpired"] = ("Your sign-in has reached its maximum age: sign in again.", "您的登录已达到最长有效期:请重新登录。"),
        ["SignInAgain"] = ("Sign in again", "重新登录"),
    };
}
