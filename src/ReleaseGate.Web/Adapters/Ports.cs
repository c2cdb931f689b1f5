using ReleaseGate.Core.Candidates;
using ReleaseGate.Core.Deployments;
using ReleaseGate.Core.Development;
using ReleaseGate.Core.Mail;
using ReleaseGate.Core.Promotions;
using ReleaseGate.Core.Releases;
using ReleaseGate.Core.Schedule;
using ReleaseGate.Core.Users;
using ReleaseGate.Web.Adapters.Docker;
using ReleaseGate.Web.Adapters.Mail;
using ReleaseGate.Web.Adapters.Postgres;
using ReleaseGate.Web.Adapters.Registry;
using ReleaseGate.Web.Adapters.Schedule;
using ReleaseGate.Web.Adapters.Swarm;
using ReleaseGate.Web.Components.Candidates;
using ReleaseGate.Web.Jobs;

namespace ReleaseGate.Web.Adapters;

/// <summary>Every port Core declares, and the adapter that fills it here: the one list to read.</summary>
public static class Ports
{
    public static void AddReleaseGateAdapters(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        // Candidates: digests resolved from the staging registry (registry HTTP API v2).
        services.AddSingleton<RegistryClients>();
        services.AddSingleton<IImageRegistry>(sp => sp.GetRequiredService<RegistryClients>());
        // Candidates: live pages learn that a candidate changed (in-process; on PostgreSQL also NOTIFY/LISTEN across replicas).
        services.AddSingleton<CandidateChanges>();
        if (builder.DatabaseSettings().IsPostgres)
        {
            services.AddSingleton<PostgresCandidateChanges>();
            services.AddSingleton<ICandidateChanges>(sp => sp.GetRequiredService<PostgresCandidateChanges>());
            services.AddHostedService(sp => sp.GetRequiredService<PostgresCandidateChanges>());
        }
        else services.AddSingleton<ICandidateChanges>(sp => sp.GetRequiredService<CandidateChanges>());
        // Deployments: the test Docker host (Docker.DotNet), and the durable queue of deployments (Quartz).
        services.AddSingleton<ITestHost, DockerTestHost>();
        services.AddSingleton<IDeploymentQueue, QuartzDeploymentQueue>();
        // Development: develop builds run on the same test host, queued durably per application (Quartz).
        services.AddSingleton<IDevelopmentQueue, QuartzDevelopmentQueue>();
        // Mail: the outbox is sent over SMTP (MailKit).
        services.AddSingleton<IMailTransport, SmtpMailTransport>();
        // Schedule: when a window's cron fires next (Quartz's cron reader).
        services.AddSingleton<ICutoffCalendar, QuartzCutoffCalendar>();
        // Promotions: the signed digest copied staging → production (registry HTTP API), queued durably (Quartz).
        services.AddSingleton<IImagePromotion, RegistryPromotion>();
        services.AddSingleton<IPromotionQueue, QuartzPromotionQueue>();
        // Releases: the production Swarm (Docker.DotNet), the smoke URL (HTTP), and the durable looks at a rollout (Quartz).
        // Promotions' IRollout is filled by Core's StartRollout on top of these (UseCases).
        services.AddSingleton<ISwarm, SwarmEngine>();
        services.AddSingleton<ISmokeTest, HttpSmokeTest>();
        services.AddSingleton<IRolloutWatch, QuartzRolloutWatch>();
        // ...and the manager's event stream, so a look follows Swarm's report of an update's end at once.
        services.AddHostedService<SwarmEvents>();
        // Users: the OpenID Connect provider asked again about its people (refresh grant + userinfo).
        services.AddSingleton<SignIn.OidcDirectory>();
        services.AddSingleton<IExternalDirectory>(sp => sp.GetRequiredService<SignIn.OidcDirectory>());
        // Applications: secret variables' values, read from the portal's own environment (NAME or NAME_FILE) when needed.
        services.AddSingleton<ReleaseGate.Core.Applications.ISecretValues, Secrets.EnvironmentSecrets>();
    }
}
