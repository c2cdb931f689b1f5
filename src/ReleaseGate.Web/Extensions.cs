using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using ReleaseGate.Web.Database;
using ReleaseGate.Web.Api;
using ReleaseGate.Web.Integrations;
using ReleaseGate.Web.Jobs;
using Microsoft.Data.Sqlite;
using Npgsql;
using Microsoft.EntityFrameworkCore;
using MudBlazor.Services;
using Quartz;
using ReleaseGate.Core;
using ReleaseGate.Core.Schedule;
using ReleaseGate.Core.Releases;
using ReleaseGate.Core.Data;
using ReleaseGate.Core.Users;
using ReleaseGate.Web.SignIn;
using ReleaseGate.Web.Users;
using ReleaseGate.Web.Applications;
using ReleaseGate.Web.Health;
using ReleaseGate.Web.Localization;
using ReleaseGate.Web.Settings;

namespace ReleaseGate.Web;

/// <summary>The portal's wiring, one extension per concern, so Program.cs reads as a checklist.</summary>
public static class Extensions
{
    public static void AddReleaseGateSettings(this IHostApplicationBuilder builder)
    {
        var problems = new List<string>();
        builder.AddSettings<PortalSettings>(problems);
        builder.AddSettings<DatabaseSettings>(problems);
        builder.AddSettings<AdminSettings>(problems);
        builder.AddSettings<SmtpSettings>(problems);
        builder.AddSettings<RegistriesSettings>(problems);
        builder.AddSettings<JenkinsSettings>(problems);
        builder.AddSettings<TestEnvironmentSettings>(problems);
        builder.AddSettings<SwarmSettings>(problems);
        builder.AddSettings<ScheduleSettings>(problems);
        builder.AddSettings<OidcSettings>(problems);
        builder.AddSettings<OidcRoleGroupsSettings>(problems);
        builder.AddSettings<Security.SecuritySettings>(problems);
        builder.AddSettings<Security.DataProtectionSettings>(problems);
        builder.AddSettings<Security.NetworkSettings>(problems);
        builder.AddSettings<Security.RetentionSettings>(problems);
        builder.AddSettings<AuditSettings>(problems);
        builder.AddSettings<Observability.TelemetrySettings>(problems);
        if (problems.Count > 0) throw new InvalidSettingsException(problems);
    }

    /// <summary>Core's use cases, the clock they read and the links they put in mails.</summary>
    public static void AddReleaseGateCore(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddReleaseGateUseCases();
        builder.Services.AddSingleton(sp => sp.GetRequiredService<IOptions<AuditSettings>>().Value.ResolveKey());
        builder.Services.AddSingleton(sp => new PortalLinks(sp.GetRequiredService<IOptions<PortalSettings>>().Value.PublicUrl));
        builder.Services.AddSingleton(sp => new ScheduleDefaults(sp.GetRequiredService<IOptions<ScheduleSettings>>().Value.TimeZone));
        builder.Services.AddSingleton(sp => new SmokeCheck(sp.GetRequiredService<IOptions<SwarmSettings>>().Value.SmokeTimeoutSeconds));
    }

    public static void AddReleaseGateDatabase(this IHostApplicationBuilder builder)
    {
        if (builder.DatabaseSettings() is { IsPostgres: true } postgres)
        {
            // One pool for EF, the NOTIFY sender and the LISTEN connection (Adapters/Postgres).
            builder.Services.AddSingleton(_ => NpgsqlDataSource.Create(postgres.PostgresConnectionString()));
            builder.Services.AddDbContextFactory<ReleaseGateDb>((sp, o) => o
                .UseNpgsql(sp.GetRequiredService<NpgsqlDataSource>(), pg => pg.MigrationsAssembly("ReleaseGate.Migrations.Postgres")));
        }
        else
        {
            var connectionString = SqliteConnectionString(builder);
            builder.Services.AddDbContextFactory<ReleaseGateDb>(o => o
                .UseSqlite(connectionString, sqlite => sqlite.MigrationsAssembly("ReleaseGate.Migrations"))
                .AddInterceptors(new SqliteTuning.Interceptor()));
        }
        // Identity's stores want a scoped context; pages and jobs use the factory.
        builder.Services.AddScoped(sp => sp.GetRequiredService<IDbContextFactory<ReleaseGateDb>>().CreateDbContext());
    }

    /// <summary>ReleaseGate__Database__* as configured (validated at start by AddReleaseGateSettings).</summary>
    public static DatabaseSettings DatabaseSettings(this IHostApplicationBuilder builder) =>
        builder.Configuration.GetSection(Settings.DatabaseSettings.Section).Get<DatabaseSettings>() ?? new();

    /// <summary>The SQLite connection string with its folder created, so a fresh clone just runs.</summary>
    public static string SqliteConnectionString(this IHostApplicationBuilder builder)
    {
        var csb = new SqliteConnectionStringBuilder(builder.DatabaseSettings().ConnectionString);
        if (csb.DataSource is { Length: > 0 } file && file != ":memory:" && !file.StartsWith("file:", StringComparison.Ordinal))
        {
            csb.DataSource = Path.GetFullPath(file, builder.Environment.ContentRootPath);
            Directory.CreateDirectory(Path.GetDirectoryName(csb.DataSource)!);
        }
        csb.DefaultTimeout = 30;
        return csb.ToString();
    }

    public static void AddPortalSignIn(this IHostApplicationBuilder builder)
    {
        builder.Services.AddCascadingAuthenticationState();
        var authentication = builder.Services.AddAuthentication(IdentityConstants.ApplicationScheme);
        authentication.AddIdentityCookies();
        // "Sign in with GitLab" (or any OpenID Connect provider) when ReleaseGate__Oidc__Authority is set.
        authentication.AddOidcSignIn(builder.Configuration);
        // Pages name a row of Core's permission table; Core decides (Security/PermissionPolicies).
        builder.Services.AddAuthorization(Security.PermissionHandler.AddPolicies);
        builder.Services.AddSingleton<Microsoft.AspNetCore.Authorization.IAuthorizationHandler, Security.PermissionHandler>();
        builder.Services.AddSingleton<Microsoft.AspNetCore.Authorization.IAuthorizationMiddlewareResultHandler, RoleDeniedRedirect>();
        builder.Services.AddIdentityCore<PortalUser>(o =>
            {
                o.User.RequireUniqueEmail = true;
                o.Password.RequireNonAlphanumeric = false;
                o.Lockout.MaxFailedAccessAttempts = 10;
            })
            .AddRoles<IdentityRole>()
            .AddEntityFrameworkStores<ReleaseGateDb>()
            .AddSignInManager()
            .AddDefaultTokenProviders();
        builder.Services.ConfigureApplicationCookie(o =>
        {
            o.LoginPath = "/account/login";
            o.LogoutPath = "/account/logout";
            o.AccessDeniedPath = "/account/denied";
            o.Cookie.Name = "releasegate.auth";
            o.SlidingExpiration = true;
        });
        builder.Services.AddScoped<AdminBootstrap>();
        // Keys in the database: cookies and integration secrets survive restarts and work on every replica.
        builder.Services.AddDataProtection().SetApplicationName("ReleaseGate");
        builder.Services.AddSingleton<IConfigureOptions<KeyManagementOptions>>(sp => new ConfigureOptions<KeyManagementOptions>(o =>
            o.XmlRepository = new DatabaseKeyRepository(sp.GetRequiredService<IDbContextFactory<ReleaseGateDb>>())));
        builder.Services.AddSingleton<IntegrationSecrets>();
    }

    public static void AddCallbackApi(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOpenApi(o => o.AddSecuritySchemes());
        builder.Services.AddProblemDetails();
        builder.Services.AddScoped<SignedRequest>();
        builder.Services.AddScoped<PersonOrSignature>();
        // Personal access tokens: a scheme of their own, asked for by the API's filter only (pages keep the cookie).
        builder.Services.AddAuthentication()
            .AddScheme<Microsoft.AspNetCore.Authentication.AuthenticationSchemeOptions, TokenAuthentication>(TokenAuthentication.SchemeName, null);
        builder.Services.AddSingleton<Security.ReplayGuard>();
        builder.Services.AddScoped<IdempotentPost>();
    }

    public static void AddReleaseGateJobs(this IHostApplicationBuilder builder)
    {
        var database = builder.DatabaseSettings();
        builder.AddQuartz(q =>
        {
            // A shutdown cuts long jobs short and hands them back: the next start finishes them.
            q.ConfigureScheduler(o => o.ShutdownJobInterruption = ShutdownJobInterruption.Always);
            q.UsePersistentStore(store =>
            {
                store.ConfigureStore(o =>
                {
                    o.StoreJobDataAsStrings = true;
                    o.RecoverFiringsCancelledByShutdown = true;
                });
                if (database.IsPostgres)
                {
                    store.UsePostgres(NpgsqlFactory.Instance, database.PostgresConnectionString());
                    // Replicas share the schedule: each trigger fires on one of them, and the recoverable jobs of a
                    // replica that stopped checking in are taken over by another within about 15 s.
                    store.UseClustering(c =>
                    {
                        c.CheckinInterval = TimeSpan.FromSeconds(5);
                        c.CheckinMisfireThreshold = TimeSpan.FromSeconds(5);
                    });
                }
                else store.UseSqlite(SqliteTuning.ProviderFactory.Instance, SqliteConnectionString(builder));
                store.UseSystemTextJsonSerializer();
                store.ProvisionSchema();
            });
            var poll = builder.Configuration.GetSection(SmtpSettings.Section).Get<SmtpSettings>()?.PollSeconds ?? 5;
            q.AddJob<OutboxJob>(j => j.WithIdentity(OutboxJob.Key).StoreDurably());
            q.AddJob<PromoteJob>(j => j.WithIdentity(PromoteJob.Key).StoreDurably().RequestRecovery());
            q.AddJob<CutoffJob>(j => j.WithIdentity(CutoffJob.Key).StoreDurably().RequestRecovery());
            q.AddJob<WindowTriggersJob>(j => j.WithIdentity(WindowTriggersJob.Key).StoreDurably());
            q.AddTrigger(t => t.ForJob(WindowTriggersJob.Key).WithIdentity("window-triggers", "schedule")
                .WithSimpleSchedule(s => s.WithInterval(TimeSpan.FromSeconds(5)).RepeatForever().MeasureIntervalFromCompletion()));
            q.AddJob<ReminderJob>(j => j.WithIdentity(ReminderJob.Key).StoreDurably());
            q.AddTrigger(t => t.ForJob(ReminderJob.Key).WithIdentity("reminders", "schedule")
                .WithSimpleSchedule(s => s.WithInterval(TimeSpan.FromMinutes(1)).RepeatForever().MeasureIntervalFromCompletion()));
            q.AddTrigger(t => t.ForJob(OutboxJob.Key).WithIdentity("outbox-sweep", "mail")
                .WithSimpleSchedule(s => s.WithInterval(TimeSpan.FromSeconds(poll)).RepeatForever().MeasureIntervalFromCompletion()));
            // Catch-up of candidates left Registered and pruning, every minute (not only at start).
            q.AddJob<HousekeepingJob>(j => j.WithIdentity(HousekeepingJob.Key).StoreDurably());
            q.AddTrigger(t => t.ForJob(HousekeepingJob.Key).WithIdentity("housekeeping", "maintenance")
                .WithSimpleSchedule(s => s.WithInterval(TimeSpan.FromMinutes(1)).RepeatForever()));
            // The OpenID Connect provider asked again about its people: groups → roles, gone → no sessions or tokens.
            var oidc = builder.Configuration.GetSection(OidcSettings.Section).Get<OidcSettings>() ?? new();
            if (oidc.IsEnabled())
            {
                q.AddJob<ExternalAccountsJob>(j => j.WithIdentity(ExternalAccountsJob.Key).StoreDurably());
                q.AddTrigger(t => t.ForJob(ExternalAccountsJob.Key).WithIdentity("external-accounts", "maintenance")
                    .WithSimpleSchedule(s => s.WithInterval(TimeSpan.FromSeconds(oidc.RevalidateSeconds)).RepeatForever().MeasureIntervalFromCompletion()));
            }
        });
        builder.Services.AddSingleton<WindowTriggers>();
        builder.Services.AddHostedService<DeploymentCatchUp>();
        // Before Quartz: hosted services stop in reverse, so the last checkpoint comes after the last job's audit row.
        builder.Services.AddHostedService<AuditCheckpointing>();
        builder.AddQuartzHostedService(o => o.WaitForJobsToComplete = true);
    }

    public static void AddPortalPages(this IHostApplicationBuilder builder)
    {
        builder.Services.AddRazorComponents().AddInteractiveServerComponents();
        builder.Services.AddMudServices();
        builder.Services.AddLocalization();
        builder.Services.AddSingleton<UiText>();
        builder.Services.AddScoped<BrowserTime>();
        builder.Services.Configure<RequestLocalizationOptions>(o =>
        {
            o.SetDefaultCulture(UiText.Cultures[0]).AddSupportedCultures(UiText.Cultures).AddSupportedUICultures(UiText.Cultures);
            o.ApplyCurrentCultureToResponseHeaders = true;
        });
        // Outside Development an unpublished build serves MudBlazor's and Blazor's files only with this.
        if (builder is WebApplicationBuilder web) web.WebHost.UseStaticWebAssets();
    }

    /// <summary>Migrations, then the things that need the schema: roles, the first admin, the applications file.</summary>
    public static async Task PrepareDatabaseAsync(this WebApplication app)
    {
        // Processes starting together on one database (replicas, admin commands) take turns; the later ones find everything done.
        await using var turn = await PreparationLock.TakeAsync(app.Services);
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ReleaseGateDb>();
        await db.Database.MigrateAsync();
        // WAL lets pages read while a job writes.
        if (db.Database.IsSqlite()) await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;");
        await scope.ServiceProvider.GetRequiredService<AdminBootstrap>().RunAsync();
        await ApplicationsFile.SyncAtStartAsync(scope.ServiceProvider);
        // A secret variable whose value the environment lacks would fail every deployment later: say so now, in one line.
        if (Adapters.Secrets.EnvironmentSecrets.MissingAtStart(await db.Applications.AsNoTracking().ToListAsync(),
                scope.ServiceProvider.GetRequiredService<ReleaseGate.Core.Applications.ISecretValues>()) is { } missing)
            throw new Adapters.Secrets.StartRefusedException(missing);
        await scope.ServiceProvider.GetRequiredService<IntegrationSecrets>()
            .EnsureFromSettingsAsync(scope.ServiceProvider.GetRequiredService<IOptions<JenkinsSettings>>().Value, CancellationToken.None);
        if (turn is { Shared: true })
        {
            // In our turn: the first replica writes the data-protection key and Quartz's tables, the others find them.
            scope.ServiceProvider.GetRequiredService<IDataProtectionProvider>().CreateProtector("ReleaseGate.Start").Protect("ready");
            await scope.ServiceProvider.GetRequiredService<ISchedulerFactory>().GetScheduler();
        }
    }
}
