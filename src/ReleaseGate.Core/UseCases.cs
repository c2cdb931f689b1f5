using Microsoft.Extensions.DependencyInjection;
using ReleaseGate.Core.Applications;
using ReleaseGate.Core.Audit;
using ReleaseGate.Core.Users;
using ReleaseGate.Core.Board;
using ReleaseGate.Core.Builds;
using ReleaseGate.Core.Candidates;
using ReleaseGate.Core.Deployments;
using ReleaseGate.Core.Mail;
using ReleaseGate.Core.SignOffs;

namespace ReleaseGate.Core;

/// <summary>Every use case, registered once; pages, endpoints and jobs ask for the one they need.</summary>
public static class UseCases
{
    public static IServiceCollection AddReleaseGateUseCases(this IServiceCollection services) => services
        .AddScoped<LoadBoard>()
        .AddScoped<CreateUser>()
        .AddScoped<ChangeUser>()
        .AddScoped<CreateToken>()
        .AddScoped<RevokeToken>()
        .AddScoped<ListTokens>()
        .AddScoped<CheckToken>()
        .AddScoped<ListApplications>()
        .AddScoped<ListAuditEvents>()
        .AddScoped<VerifyAuditChain>()
        .AddScoped<SyncDeclaredApplications>()
        .AddScoped<SaveApplication>()
        .AddScoped<DeleteApplication>()
        .AddScoped<RegisterCandidate>()
        .AddScoped<GetCandidate>()
        .AddScoped<ReportBuild>()
        .AddScoped<SendDueMail>()
        .AddScoped<DeployCandidate>()
        .AddScoped<RedeployCandidate>()
        .AddScoped<ListCandidates>()
        .AddScoped<SignOffCandidate>()
        .AddScoped<WithdrawApproval>();
}
