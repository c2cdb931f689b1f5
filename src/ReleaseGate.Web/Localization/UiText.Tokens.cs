namespace ReleaseGate.Web.Localization;

public sealed partial class UiText
{
    private static readonly Dictionary<string, (string En, string Zh)> Tokens = new()
    {
        ["MyAccount"] = ("My account", "我的账号"),
        ["Tokens"] = ("Personal access tokens", "个人访问令牌"),
        ["Tokens.Intro"] = ("A token lets scripts and bots call the API as you, with your roles: send it as Authorization: Bearer <token>. Only its fingerprint is kept, so it is shown once.",
                            "令牌让脚本和机器人以您的身份和角色调用 API:以 Authorization: Bearer <令牌> 发送。系统只保存其指纹,因此令牌只显示一次。"),
        ["Tokens.AllIntro"] = ("Every person's tokens; revoke one that leaked or belongs to someone who left.", "所有人的令牌;可吊销已泄露或属于离职人员的令牌。"),
        ["Tokens.Name"] = ("Name", "名称"),
        ["Tokens.Scopes"] = ("Scopes", "范围"),
        ["Tokens.Scope.read"] = ("read", "read(读取)"),
        ["Tokens.Scope.sign-off"] = ("sign-off", "sign-off(签核)"),
        ["Tokens.Scope.release"] = ("release", "release(发布)"),
        ["Tokens.Scope.admin"] = ("admin", "admin(管理)"),
        ["Tokens.ScopesNote"] = ("A token may only do what its scopes cover, and never more than your roles allow. A token with the admin scope lasts at most {0} days; you may hold at most {1} live tokens; all end when your password is reset or your account is disabled.",
                                 "令牌只能执行其范围所涵盖的操作,且不超过您的角色权限。具有 admin 范围的令牌最多有效 {0} 天;您最多可持有 {1} 个有效令牌;密码被重置或账号被停用时,所有令牌都会失效。"),
        ["Tokens.Owner"] = ("Owner", "所有者"),
        ["Tokens.Prefix"] = ("Starts with", "开头"),
        ["Tokens.ExpiresDays"] = ("Valid for (days, at most 365)", "有效期(天,最多 365)"),
        ["Tokens.Created"] = ("Created", "创建时间"),
        ["Tokens.Expires"] = ("Expires", "过期时间"),
        ["Tokens.LastUsed"] = ("Last used", "最近使用"),
        ["Tokens.NeverUsed"] = ("never", "从未使用"),
        ["Tokens.Active"] = ("active", "有效"),
        ["Tokens.Revoked"] = ("revoked", "已吊销"),
        ["Tokens.Expired"] = ("expired", "已过期"),
        ["Tokens.Create"] = ("Create token", "创建令牌"),
        ["Tokens.Revoke"] = ("Revoke", "吊销"),
        ["Tokens.RevokedDone"] = ("Token {0} revoked: calls with it are refused from now on.", "令牌 {0} 已吊销:此后使用它的调用都会被拒绝。"),
        ["Tokens.None"] = ("No tokens yet.", "还没有令牌。"),
        ["Tokens.ShownOnce"] = ("Copy this token now and keep it like a password: it is shown only this once.", "请立即复制此令牌并像密码一样保管:它只显示这一次。"),
        ["Tokens.NewToken"] = ("Your new token {0}", "您的新令牌 {0}"),
    };
}
