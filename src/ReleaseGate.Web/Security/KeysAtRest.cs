using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.DataProtection;
using ReleaseGate.Web.Settings;

namespace ReleaseGate.Web.Security;

/// <summary>
/// Data-protection keys live in the database; with a certificate they are encrypted there, so a copy of the database
/// alone cannot forge cookies or read integration secrets. Without one the portal still starts, and says so once.
/// </summary>
public static class KeysAtRest
{
    public static void AddKeysAtRest(this IHostApplicationBuilder builder)
    {
        var settings = builder.Configuration.GetSection(DataProtectionSettings.Section).Get<DataProtectionSettings>() ?? new();
        if (string.IsNullOrEmpty(settings.CertificateFile) || !File.Exists(settings.CertificateFile))
        {
            builder.Services.AddHostedService<UnencryptedKeysWarning>();
            return;
        }
        X509Certificate2 certificate;
        try
        {
            var password = SettingsCheck.ReadSecret(null, settings.CertificatePasswordFile);
            certificate = X509CertificateLoader.LoadPkcs12FromFile(settings.CertificateFile, password, X509KeyStorageFlags.EphemeralKeySet);
        }
        catch (CryptographicException e)
        {
            throw new InvalidSettingsException([$"{SettingsCheck.VariableName(DataProtectionSettings.Section, nameof(DataProtectionSettings.CertificateFile))}: " +
                $"'{settings.CertificateFile}' cannot be read as a PKCS#12 file with that password ({e.Message})."]);
        }
        if (!certificate.HasPrivateKey)
            throw new InvalidSettingsException([$"{SettingsCheck.VariableName(DataProtectionSettings.Section, nameof(DataProtectionSettings.CertificateFile))}: " +
                $"'{settings.CertificateFile}' holds no private key, so the keys could be written but never read again."]);
        builder.Services.AddDataProtection().ProtectKeysWithCertificate(certificate).UnprotectKeysWithAnyCertificate(certificate);
    }

    private sealed class UnencryptedKeysWarning(ILogger<UnencryptedKeysWarning> log) : IHostedService
    {
        public Task StartAsync(CancellationToken ct)
        {
            log.LogCritical("Data-protection keys are kept UNENCRYPTED in the database: whoever can read the database can forge sign-in " +
                "cookies and read integration secrets. Set ReleaseGate__DataProtection__CertificateFile (and …__CertificatePasswordFile) to encrypt them.");
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken ct) => Task.CompletedTask;
    }
}
