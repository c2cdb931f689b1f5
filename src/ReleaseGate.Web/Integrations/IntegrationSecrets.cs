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

    /// <summary>The secret of an active integration, or null for an unknown or revoked key.</summary>
    public async Task<byte[]?> FindSecretAsync(string keyId, CancellationToken ct)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        var row = await db.Integrations.AsNoTracking()
            .Where(i => i.KeyId == keyId && i.RevokedAt == null).Select(i => i.ProtectedSecret).SingleOrDefaultAsync(ct);
        return row is null ? null : System.Text.Encoding.UTF8.GetBytes(protector.Unprotect(row));
    }

    /// <summary>A new integration; the returned secret is never shown again. Null when the table refuses <paramref name="createdBy"/>.</summary>
    public async Task<(string KeyId, string Secret)?> CreateAsync(string name, string createdBy, CancellationToken ct)
    {
        if (!await MayManageAsync(createdBy, ct)) return null;
        var keyId = "rg_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));
        var secret = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        await SaveAsync(keyId, name, secret, fromEnvironment: false, createdBy, ct);
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
            await SaveAsync(settings.KeyId, "Jenkins (from ReleaseGate__Jenkins__KeyId)", secret, fromEnvironment: true, "system", ct);
            return;
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
        return !(await Actor.ResolveAsync(db, userName, time.GetUtcNow(), PortalAction.ManageIntegrations, ct)).IsRefused;
    }

    private async Task SaveAsync(string keyId, string name, string secret, bool fromEnvironment, string actor, CancellationToken ct)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        var now = time.GetUtcNow();
        db.Integrations.Add(new Integration { KeyId = keyId, Name = name, ProtectedSecret = protector.Protect(secret), CreatedAt = now, FromEnvironment = fromEnvironment });
        db.AuditEvents.Add(actor == "system"
            ? AuditEvent.BySystem(now, "integration.created", keyId, name)
            : AuditEvent.ByUser(now, actor, "integration.created", keyId, name));
        await db.SaveChangesAsync(ct);
    }
}
