using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using ReleaseGate.Core.Access;
using ReleaseGate.Core.Audit;
using ReleaseGate.Core.Users;
using ReleaseGate.Core.Data;
using ReleaseGate.Core.Integrations;
using ReleaseGate.Web.Settings;

namespace ReleaseGate.Web.Integrations;

/// <summary>Creates, revokes and reads integration secrets; secrets are stored encrypted, shown in clear once.</summary>
public sealed class IntegrationSecrets(IDataProtectionProvider protection, IDbContextFactory<ReleaseGateDb> dbs, TimeProvider time)
{
    private readonly IDataProtector protector = protection.CreateProtector("ReleaseGate.Integrations.v1");

    /// <summary>An active key's secrets (the previous one while a rotation is under way) and how it may sign.</summary>
    public sealed record KeySecrets(int Id, byte[] Current, byte[]? Previous, bool AllowV1, DateTimeOffset? CurrentLastUsedAt, DateTimeOffset? PreviousLastUsedAt);

    /// <summary>The secrets of an active integration, or null for an unknown or revoked key.</summary>
    public async Task<KeySecrets?> FindAsync(string keyId, CancellationToken ct)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        var row = await db.Integrations.AsNoTracking().Where(i => i.KeyId == keyId && i.RevokedAt == null).SingleOrDefaultAsync(ct);
        if (row is null) return null;
        byte[] Open(string protectedSecret) => System.Text.Encoding.UTF8.GetBytes(protector.Unprotect(protectedSecret));
        return new KeySecrets(row.Id, Open(row.ProtectedSecret), row.PreviousProtectedSecret is { } previous ? Open(previous) : null,
            row.AllowV1, row.SecretLastUsedAt, row.PreviousSecretLastUsedAt);
    }

    private static readonly TimeSpan LastUsedResolution = TimeSpan.FromMinutes(1);

    /// <summary>Notes which secret signed a call, at most once a minute, so a call stays cheap and the page shows when each was last used.</summary>
    public async Task NoteUsedAsync(KeySecrets key, bool previous, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var last = previous ? key.PreviousLastUsedAt : key.CurrentLastUsedAt;
        if (last is not null && now - last < LastUsedResolution) return;
        await using var db = await dbs.CreateDbContextAsync(ct);
        var rows = db.Integrations.Where(i => i.Id == key.Id);
        if (previous) await rows.ExecuteUpdateAsync(u => u.SetProperty(i => i.PreviousSecretLastUsedAt, now), ct);
        else await rows.ExecuteUpdateAsync(u => u.SetProperty(i => i.SecretLastUsedAt, now), ct);
    }

    /// <summary>A new secret for the key; the one it replaces stays live (as "previous") until retired. Null when the key cannot rotate here.</summary>
    public async Task<string?> RotateAsync(int id, string rotatedBy, CancellationToken ct)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        if (await AdminAsync(db, rotatedBy, ct) is not { } admin) return null;
        var row = await db.Integrations.SingleOrDefaultAsync(i => i.Id == id && i.RevokedAt == null && !i.FromEnvironment, ct);
        if (row is null) return null;
        var secret = NewSecret();
        row.PreviousProtectedSecret = row.ProtectedSecret;
        row.PreviousSecretLastUsedAt = row.SecretLastUsedAt;
        row.ProtectedSecret = protector.Protect(secret);
        row.SecretLastUsedAt = null;
        row.RotatedAt = time.GetUtcNow();
        db.AuditEvents.Add(AuditEvent.ByActor(time.GetUtcNow(), admin, "integration.secret-rotated", row.KeyId, "the previous secret stays live until retired"));
        await db.SaveChangesAsync(ct);
        return secret;
    }

    /// <summary>Stops accepting the secret a rotation replaced.</summary>
    public async Task<bool> RetirePreviousAsync(int id, string retiredBy, CancellationToken ct)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        if (await AdminAsync(db, retiredBy, ct) is not { } admin) return false;
        var row = await db.Integrations.SingleOrDefaultAsync(i => i.Id == id && i.PreviousProtectedSecret != null, ct);
        if (row is null) return false;
        row.PreviousProtectedSecret = null;
        row.PreviousSecretLastUsedAt = null;
        db.AuditEvents.Add(AuditEvent.ByActor(time.GetUtcNow(), admin, "integration.previous-secret-retired", row.KeyId));
        await db.SaveChangesAsync(ct);
        return true;
    }

    /// <summary>The applications a key speaks for and whether it may still sign v1; an error text (field, English, Chinese) when refused.</summary>
    public async Task<(string Field, string En, string Zh)?> ChangeScopeAsync(int id, string applications, bool allowV1, string changedBy, CancellationToken ct)
    {
        if (ParseApplications(applications) is not { } list)
            return ("applications", ApplicationsRule.En, ApplicationsRule.Zh);
        await using var db = await dbs.CreateDbContextAsync(ct);
        if (await AdminAsync(db, changedBy, ct) is not { } admin) return ("", "This needs the role Admin.", "此操作需要管理员角色。");
        var row = await db.Integrations.SingleOrDefaultAsync(i => i.Id == id && i.RevokedAt == null && !i.FromEnvironment, ct);
        if (row is null) return ("", "This key cannot be changed here.", "此密钥不能在此修改。");
        row.Applications = list;
        row.AllowV1 = allowV1;
        db.AuditEvents.Add(AuditEvent.ByActor(time.GetUtcNow(), admin, "integration.scope-changed", row.KeyId, Describe(list, allowV1)));
        await db.SaveChangesAsync(ct);
        return null;
    }

    public static readonly (string En, string Zh) ApplicationsRule = ("must list application slugs separated by commas, or be * alone for every application.",
        "必须是以逗号分隔的应用标识,或单独一个 * 表示所有应用。");

    /// <summary>"a, b" → [a, b]; "*" alone → every application; null for an empty list, a bad slug, or * beside slugs.</summary>
    public static List<string>? ParseApplications(string? text)
    {
        var list = (text ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Distinct(StringComparer.Ordinal).ToList();
        if (list.Count == 0 || list.Count > 200) return null;
        if (list.Contains(Integration.EveryApplication)) return list.Count == 1 ? list : null;
        return list.All(s => System.Text.RegularExpressions.Regex.IsMatch(s, "^[a-z0-9][a-z0-9-]{0,62}$")) ? list : null;
    }

    private static string Describe(List<string> applications, bool allowV1) =>
        $"applications: {string.Join(", ", applications)}; v1 {(allowV1 ? "allowed" : "refused")}";

    private async Task<Core.Users.Actor?> AdminAsync(ReleaseGateDb db, string userName, CancellationToken ct) =>
        (await Core.Users.Actor.ResolveAsync(db, userName, time.GetUtcNow(), Core.Access.PortalAction.ManageIntegrations, ct)).Value;

    private static string NewSecret() =>
        Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>A new integration for <paramref name="applications"/>; the returned secret is never shown again. Null when the table refuses <paramref name="createdBy"/>.</summary>
    public async Task<(string KeyId, string Secret)?> CreateAsync(string name, IReadOnlyList<string> applications, bool allowV1, string createdBy, CancellationToken ct)
    {
        if (!await MayManageAsync(createdBy, ct)) return null;
        var keyId = "rg_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));
        var secret = NewSecret();
        await SaveAsync(keyId, name, secret, fromEnvironment: false, [.. applications], allowV1, createdBy, ct);
        return (keyId, secret);
    }

    /// <summary>False for an unknown or already revoked integration, and for one from the environment, which the variables govern.</summary>
    public async Task<bool> RevokeAsync(int id, string revokedBy, CancellationToken ct)
    {
        if (!await MayManageAsync(revokedBy, ct)) return false;
        await using var db = await dbs.CreateDbContextAsync(ct);
        var row = await db.Integrations.SingleOrDefaultAsync(i => i.Id == id && i.RevokedAt == null && !i.FromEnvironment, ct);
        if (row is null) return false;
        row.RevokedAt = time.GetUtcNow();
        db.AuditEvents.Add(AuditEvent.ByUser(time.GetUtcNow(), revokedBy, "integration.revoked", row.KeyId));
        await db.SaveChangesAsync(ct);
        return true;
    }

    /// <summary>ReleaseGate__Jenkins__KeyId/Secret: created at start, or its secret brought in line with the variable.</summary>
    public async Task EnsureFromSettingsAsync(JenkinsSettings settings, CancellationToken ct)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        // The portal cannot revoke an integration from the environment: removing or renaming the variable retires it.
        var retired = await db.Integrations.Where(i => i.FromEnvironment && i.RevokedAt == null && i.KeyId != settings.KeyId).ToListAsync(ct);
        foreach (var old in retired)
        {
            old.RevokedAt = time.GetUtcNow();
            db.AuditEvents.Add(AuditEvent.BySystem(time.GetUtcNow(), "integration.revoked", old.KeyId, "no longer in ReleaseGate__Jenkins__KeyId"));
        }
        if (retired.Count > 0) await db.SaveChangesAsync(ct);

        if (string.IsNullOrEmpty(settings.KeyId)) return;
        var secret = settings.ResolveSecret()!;
        var row = await db.Integrations.SingleOrDefaultAsync(i => i.KeyId == settings.KeyId, ct);
        if (row is null)
        {
            await SaveAsync(settings.KeyId, "Jenkins (from ReleaseGate__Jenkins__KeyId)", secret, fromEnvironment: true,
                settings.ApplicationList(), settings.AllowV1, "system", ct);
            return;
        }
        // The variables govern this key's scope as they govern its secret.
        if (row.FromEnvironment && (!row.Applications.SequenceEqual(settings.ApplicationList()) || row.AllowV1 != settings.AllowV1))
        {
            row.Applications = settings.ApplicationList();
            row.AllowV1 = settings.AllowV1;
            db.AuditEvents.Add(AuditEvent.BySystem(time.GetUtcNow(), "integration.scope-changed", row.KeyId, Describe(row.Applications, row.AllowV1)));
            await db.SaveChangesAsync(ct);
        }
        var rotated = row.FromEnvironment && protector.Unprotect(row.ProtectedSecret) != secret;
        // Retired when the variable was removed; the variable set again brings it back.
        var restored = row.FromEnvironment && row.RevokedAt is not null;
        if (rotated || restored)
        {
            row.ProtectedSecret = protector.Protect(secret);
            row.RevokedAt = null;
            db.AuditEvents.Add(AuditEvent.BySystem(time.GetUtcNow(), rotated ? "integration.secret-rotated" : "integration.restored", row.KeyId, "from ReleaseGate__Jenkins__Secret"));
            await db.SaveChangesAsync(ct);
        }
    }

    // The account as the database knows it now, asked of Core's table like every use case.
    private async Task<bool> MayManageAsync(string userName, CancellationToken ct)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        return await AdminAsync(db, userName, ct) is not null;
    }

    private async Task SaveAsync(string keyId, string name, string secret, bool fromEnvironment, List<string> applications, bool allowV1,
        string actor, CancellationToken ct)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        var now = time.GetUtcNow();
        db.Integrations.Add(new Integration
        {
            KeyId = keyId, Name = name, ProtectedSecret = protector.Protect(secret), CreatedAt = now, FromEnvironment = fromEnvironment,
            Applications = applications, AllowV1 = allowV1,
        });
        var details = $"{name}; {Describe(applications, allowV1)}";
        db.AuditEvents.Add(actor == "system"
            ? AuditEvent.BySystem(now, "integration.created", keyId, details)
            : AuditEvent.ByUser(now, actor, "integration.created", keyId, details));
        await db.SaveChangesAsync(ct);
    }
}
