using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.DependencyInjection;

namespace ReleaseGate.Web.Tests;

/// <summary>With a certificate, the data-protection keys in the database are encrypted; without, they are plain (and the README says so).</summary>
public class KeysAtRestTests
{
    [Fact]
    public void With_a_certificate_the_keys_table_holds_no_plain_master_key()
    {
        var folder = Directory.CreateTempSubdirectory("rg-dp-");
        try
        {
            using var rsa = RSA.Create(2048);
            var request = new CertificateRequest("CN=ReleaseGate keys", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
            using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));
            var pfx = Path.Combine(folder.FullName, "keys.pfx");
            var passwordFile = Path.Combine(folder.FullName, "keys.password");
            File.WriteAllBytes(pfx, certificate.Export(X509ContentType.Pkcs12, "pfx-password-1"));
            File.WriteAllText(passwordFile, "pfx-password-1\n");

            using var portal = new PortalFactory();
            portal.Settings["ReleaseGate:DataProtection:CertificateFile"] = pfx;
            portal.Settings["ReleaseGate:DataProtection:CertificatePasswordFile"] = passwordFile;
            var protector = portal.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector("test");
            var secret = protector.Protect("integration secret");

            using var db = portal.CreateDb();
            var keys = db.DataProtectionKeys.Select(k => k.Xml).ToList();
            Assert.NotEmpty(keys);
            Assert.All(keys, xml =>
            {
                Assert.DoesNotContain("<masterKey", xml);
                Assert.Contains("EncryptedData", xml);
            });
            Assert.Equal("integration secret", protector.Unprotect(secret));
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Fact]
    public void Without_a_certificate_the_portal_starts_and_the_keys_are_plain()
    {
        using var portal = new PortalFactory();
        portal.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector("test").Protect("x");
        using var db = portal.CreateDb();
        Assert.Contains(db.DataProtectionKeys.Select(k => k.Xml).ToList(), xml => xml.Contains("<masterKey"));
    }
}
