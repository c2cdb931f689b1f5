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
        ["AuditAnchored"] = ("Anchored by keyed checkpoints ({0} verified), the newest at row {1}.", "已锚定:已校验 {0} 个密钥检查点,最新的位于第 {1} 条记录。"),
        ["AuditNotAnchored"] = ("Not anchored: no checkpoint key is set (ReleaseGate__Audit__CheckpointKey), so a cut-off or rewritten tail would go unnoticed.",
            "未锚定:未设置检查点密钥(ReleaseGate__Audit__CheckpointKey),被截断或重写的链尾将无法发现。"),
        ["AuditCheckpointForged"] = ("Checkpoint {0} (row {1}) does not carry this portal's MAC: it is forged or was written with another key.",
            "检查点 {0}(第 {1} 条记录)的 MAC 不是本门户的:它是伪造的,或由其他密钥写入。"),
        ["AuditCheckpointRowMissing"] = ("Checkpoint {0} names row {1}, but the newest row is {2}: the tail of the trail was cut off.",
            "检查点 {0} 指向第 {1} 条记录,但最新记录是第 {2} 条:审计日志的尾部被截断。"),
        ["AuditCheckpointRowRewritten"] = ("Row {1} no longer has the hash checkpoint {0} vouched for: the tail from there was rewritten.",
            "第 {1} 条记录的哈希值与检查点 {0} 担保的不一致:从此处起的尾部已被重写。"),
        ["AuditVerifying"] = ("Checking every row…", "正在逐条校验…"),
    };
}
