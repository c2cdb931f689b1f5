using ReleaseGate.Web.Settings;

namespace ReleaseGate.Web.Tests;

public class SettingsTests
{
    public static TheoryData<string, string, string> BadVariables() => new()
    {
        { "ReleaseGate:Smtp:Port", "abc", "ReleaseGate__Smtp__Port" },
        { "ReleaseGate:Smtp:Port", "70000", "ReleaseGate__Smtp__Port" },
        { "ReleaseGate:Smtp:Security", "Sometimes", "ReleaseGate__Smtp__Security" },
        { "ReleaseGate:Smtp:From", "not a mailbox", "ReleaseGate__Smtp__From" },
        { "ReleaseGate:Database:Provider", "Oracle", "ReleaseGate__Database__Provider" },
        { "ReleaseGate:PublicUrl", "not a url", "ReleaseGate__PublicUrl" },
        { "ReleaseGate:Admin:PasswordFile", "/nonexistent/secret", "ReleaseGate__Admin__PasswordFile" },
        { "ReleaseGate:Admin:Password", "short", "ReleaseGate__Admin__Password" },
        { "ReleaseGate:ApplicationsFile", "/nonexistent/apps.yml", "ReleaseGate__ApplicationsFile" },
        { "ReleaseGate:Database:PasswordFile", "/nonexistent/db-password", "ReleaseGate__Database__PasswordFile" },
        { "ReleaseGate:Registries:StagingName", "http://127.0.0.1:5001", "ReleaseGate__Registries__StagingName" },
        { "ReleaseGate:Registries:ProductionName", "127.0.0.1:5002/team", "ReleaseGate__Registries__ProductionName" },
        { "ReleaseGate:Audit:CheckpointKey", "too-short", "ReleaseGate__Audit__CheckpointKey" },
        { "ReleaseGate:Audit:CheckpointKeyFile", "/nonexistent/checkpoint-key", "ReleaseGate__Audit__CheckpointKeyFile" },
        { "ReleaseGate:Audit:CheckpointEveryRows", "0", "ReleaseGate__Audit__CheckpointEveryRows" },
    };

    [Fact]
    public void A_registry_is_named_by_its_address_unless_given_the_name_image_references_use()
    {
        var settings = new RegistriesSettings { Staging = new Uri("http://staging-registry:5000"), Production = new Uri("http://production-registry:5000") };
        Assert.Equal(("staging-registry:5000", "production-registry:5000"), (settings.StagingAuthority, settings.ProductionAuthority));

        settings.StagingName = " 127.0.0.1:5001 ";
        settings.ProductionName = "";
        Assert.Equal(("127.0.0.1:5001", "production-registry:5000"), (settings.StagingAuthority, settings.ProductionAuthority));
        using var clients = new ReleaseGate.Web.Adapters.Registry.RegistryClients(Microsoft.Extensions.Options.Options.Create(settings));
        Assert.Same(clients.Staging, clients.For("127.0.0.1:5001"));
        Assert.Null(clients.For("staging-registry:5000"));
        Assert.Same(clients.Production, clients.For("production-registry:5000"));
    }

    [Fact]
    public void The_postgres_password_file_fills_the_connection_strings_password()
    {
        var file = Path.GetTempFileName();
        try
        {
            File.WriteAllText(file, "from-the-secret\n");
            var settings = new DatabaseSettings { Provider = DatabaseSettings.Postgres, ConnectionString = "Host=db;Database=rg;Username=rg", PasswordFile = file };
            Assert.Equal("Host=db;Database=rg;Username=rg;Password=from-the-secret", settings.PostgresConnectionString());
            settings.PasswordFile = null;
            Assert.Equal("Host=db;Database=rg;Username=rg", settings.PostgresConnectionString());
        }
        finally { File.Delete(file); }
    }

    [Theory]
    [MemberData(nameof(BadVariables))]
    public void A_bad_variable_stops_the_start_and_is_named(string key, string value, string variable)
    {
        using var portal = new PortalFactory();
        portal.Settings[key] = value;

        var error = Assert.Throws<InvalidSettingsException>(() => portal.CreateClient());
        Assert.Contains(error.Problems, p => p.StartsWith(variable + ":", StringComparison.Ordinal));
    }

    [Fact]
    public void An_admin_email_without_a_password_is_refused()
    {
        using var portal = new PortalFactory();
        portal.Settings["ReleaseGate:Admin:Password"] = null;

        var error = Assert.Throws<InvalidSettingsException>(() => portal.CreateClient());
        Assert.Contains(error.Problems, p => p.StartsWith("ReleaseGate__Admin__Password:", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_admin_password_can_come_from_a_file()
    {
        var file = Path.GetTempFileName();
        await File.WriteAllTextAsync(file, "From-a-file-1\n", TestContext.Current.CancellationToken);
        using var portal = new PortalFactory();
        portal.Settings["ReleaseGate:Admin:Password"] = null;
        portal.Settings["ReleaseGate:Admin:PasswordFile"] = file;

        var client = portal.CreateBrowserLikeClient();
        var response = await SignIn.PostAsync(client, PortalFactory.AdminEmail, "From-a-file-1");
        Assert.Equal("/", SignIn.RedirectTarget(response));
        File.Delete(file);
    }
}
