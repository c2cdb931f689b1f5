using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using ReleaseGate.Core.Applications;
using ReleaseGate.Core.Audit;
using ReleaseGate.Core.Users;
using ReleaseGate.Core.Board;
using ReleaseGate.Core.Builds;
using ReleaseGate.Core.Candidates;
using ReleaseGate.Core.Deployments;
using ReleaseGate.Core.Development;
using ReleaseGate.Core.Mail;
using ReleaseGate.Core.Promotions;
using ReleaseGate.Core.Releases;
using ReleaseGate.Core.Schedule;
using ReleaseGate.Core.SignOffs;

namespace ReleaseGate.Core;

/// <summary>Every use case, registered once; pages, endpoints and jobs ask for the one they need.</summary>
public static class UseCases
{
    public static IServiceCollection AddReleaseGateUseCases(this IServiceCollection services)
    {
        // The host registers its own from settings; UTC until it does.
        services.TryAddSingleton(new ScheduleDefaults());
        services.TryAddSingleton(new SmokeCheck());
        return services
        .AddScoped<LoadBoard>()
        .AddScoped<CreateUser>()
        .AddScoped<ChangeUser>()
        .AddScoped<SignInExternally>()
        .AddScoped<LinkExternalLogin>()
        .AddScoped<RevalidateExternalAccounts>()
        .AddScoped<CreateToken>()
        .AddScoped<RevokeToken>()
        .AddScoped<ListTokens>()
        .AddScoped<CheckToken>()
        .AddScoped<ListApplications>()
        .AddScoped<ListAuditEvents>()
        .AddScoped<VerifyAuditChain>()
        .AddScoped<WriteAuditCheckpoint>()
        .AddScoped<SyncDeclaredApplications>()
        .AddScoped<SaveApplication>()
        .AddScoped<DeleteApplication>()
        .AddScoped<RegisterCandidate>()
        .AddScoped<GetCandidate>()
        .AddScoped<ReportBuild>()
        .AddScoped<SendDueMail>()
        .AddScoped<DeployCandidate>()
        .AddScoped<RedeployCandidate>()
        .AddScoped<RegisterDevelopmentBuild>()
        .AddScoped<DeployDevelopment>()
        .AddScoped<ListCandidates>()
        .AddScoped<SignOffCandidate>()
        .AddScoped<WithdrawApproval>()
        .AddScoped<SaveReleaseWindow>()
        .AddScoped<DeleteReleaseWindow>()
        .AddScoped<ListReleaseWindows>()
        .AddScoped<SaveFreeze>()
        .AddScoped<DeleteFreeze>()
        .AddScoped<ListFreezes>()
        .AddScoped<OverrideCutoff>()
        .AddScoped<PreviewCutoff>()
        .AddScoped<SyncDeclaredSchedule>()
        .AddScoped<IssueCalendarFeed>()
        .AddScoped<RevokeCalendarFeed>()
        .AddScoped<ReadCalendarFeed>()
        .AddScoped<RunCutoff>()
        .AddScoped<ReleaseNow>()
        .AddScoped<SendCutoffReminders>()
        .AddScoped<PromoteCandidate>()
        .AddScoped<RetryPromotion>()
        .AddScoped<GetPromotion>()
        // Releases: the rollout port PromoteCandidate calls is filled here, in Core, on top of ISwarm.
        .AddScoped<IRollout, StartRollout>()
        .AddScoped<WatchRollout>()
        .AddScoped<ResumeRollout>()
        .AddScoped<RollBackRollout>()
        .AddScoped<RestoreRelease>()
        .AddScoped<ListReleases>()
        .AddScoped<LoadReleaseHistory>()
        .AddScoped<GetRollout>()
        .AddScoped<LoadSwarm>()
        .AddScoped<ListServiceTasks>()
        .AddScoped<ScaleService>()
        .AddScoped<RemoveService>();
    }
}
