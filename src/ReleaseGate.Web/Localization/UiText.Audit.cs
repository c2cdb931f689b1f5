namespace ReleaseGate.Web.Localization;

public sealed partial class UiText
{
    private static readonly Dictionary<string, (string En, string Zh)> AuditTexts = new()
    {
        ["AuditTrail"] = ("Audit trail", "审计日志"),
        ["AuditActor"] = ("Who", "操作者"),
        ["AuditAction"] = ("Action", "操作"),
        ["AuditSubject"] = ("Subject", "对象"),
        ["AuditDetails"] = ("Details", "详情"),
        ["AuditAt"] = ("When", "时间"),
        ["AuditTotal"] = ("{0} events", "共 {0} 条记录"),
        ["AuditEmpty"] = ("No audit events match.", "没有匹配的审计记录。"),
        ["AuditVerify"] = ("Verify the chain", "校验哈希链"),
        ["AuditIntact"] = ("The chain is intact: {0} rows checked.", "哈希链完整:已校验 {0} 条记录。"),
        ["AuditBroken"] = ("The chain breaks at row {0}: {1}", "哈希链在第 {0} 条记录处断开:{1}"),
        ["AuditHead"] = ("Head of the chain (its hash vouches for every row before it)", "哈希链头(其哈希值担保之前的每一条记录)"),
        ["AuditVerifying"] = ("Checking every row…", "正在逐条校验…"),
    };
}
