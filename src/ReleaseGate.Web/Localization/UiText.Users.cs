namespace ReleaseGate.Web.Localization;

public sealed partial class UiText
{
    private static readonly Dictionary<string, (string En, string Zh)> UsersTexts = new()
    {
        ["Users"] = ("Users", "用户"),
        ["Users.Intro"] = ("Accounts of the people who use the portal and their roles: viewers read, QA signs off, release managers schedule releases, admins configure. An account with no role sees nothing.",
                            "使用本门户的人员账号及其角色:只读用户可查看,QA 负责签核,发布经理负责安排发布,管理员负责配置。没有角色的账号什么也看不到。"),
        ["Users.Email"] = ("E-mail", "电子邮箱"),
        ["Users.DisplayName"] = ("Name", "姓名"),
        ["Users.Roles"] = ("Roles", "角色"),
        ["Users.Status"] = ("Status", "状态"),
        ["Users.Active"] = ("active", "正常"),
        ["Users.Disabled"] = ("disabled", "已停用"),
        ["Users.Create"] = ("Create account", "创建账号"),
        ["Users.ResetPassword"] = ("New password", "重置密码"),
        ["Users.Disable"] = ("Disable", "停用"),
        ["Users.Enable"] = ("Enable", "启用"),
        ["Users.SaveRoles"] = ("Save roles", "保存角色"),
        ["Users.RolesSaved"] = ("Roles of {0} saved.", "已保存 {0} 的角色。"),
        ["Users.PasswordFor"] = ("Password for {0}", "{0} 的密码"),
        ["Users.PasswordShownOnce"] = ("Give this password to the person; it is shown only now. They can change it under their name, top right.",
                                        "请把此密码交给本人;它只显示这一次。本人可在右上角自己的名字处修改。"),
        ["Users.Disabled.Done"] = ("{0} can no longer sign in.", "{0} 已无法登录。"),
        ["Users.Enabled.Done"] = ("{0} can sign in again.", "{0} 可以重新登录。"),
        ["Role.Viewer"] = ("Viewer", "只读"),
        ["Role.QA"] = ("QA", "QA"),
        ["Role.ReleaseManager"] = ("Release manager", "发布经理"),
        ["Role.Admin"] = ("Admin", "管理员"),
        ["ChangePassword"] = ("Change my password", "修改密码"),
        ["CurrentPassword"] = ("Current password", "当前密码"),
        ["NewPassword"] = ("New password", "新密码"),
        ["ConfirmPassword"] = ("New password again", "再次输入新密码"),
        ["PasswordsDiffer"] = ("The two new passwords differ.", "两次输入的新密码不一致。"),
        ["PasswordChanged"] = ("Your password has been changed.", "密码已修改。"),
    };
}
