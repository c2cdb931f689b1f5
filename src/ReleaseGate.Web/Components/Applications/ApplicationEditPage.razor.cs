using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.EntityFrameworkCore;
using MudBlazor;
using ReleaseGate.Core.Applications;
using ReleaseGate.Core.Users;

namespace ReleaseGate.Web.Components.Applications;

/// <summary>The application form's behaviour: load, save and delete through Core, problems shown next to their fields.</summary>
public partial class ApplicationEditPage
{
    [Parameter] public int? Id { get; set; }
    [CascadingParameter] private Task<AuthenticationState> AuthenticationState { get; set; } = default!;

    private ApplicationForm? form;
    private bool notFound;
    private bool busy;
    private Dictionary<string, List<string>> problems = [];

    // Every field the form shows; a problem for any other name is shown above the form.
    private static readonly HashSet<string> Fields =
    [
        "slug", "displayName", "stagingRepository", "productionRepository", "swarmService", "requiredApprovals", "teamEmails", "qaEmails",
        "testEnvironment.containerName", "testEnvironment.publishedPort", "testEnvironment.containerPort", ApplicationForm.EnvironmentVariablesField,
        "testEnvironment.healthPath", "testEnvironment.healthTimeoutSeconds", "rollout.parallelism", "rollout.delaySeconds", "rollout.monitorSeconds",
        "rollout.maxFailureRatio", "rollout.timeoutSeconds", "rollout.smokeUrl", "swarm.replicas", "swarm.publishedPorts",
        "swarm.stopGracePeriodSeconds", ApplicationForm.ServiceEnvironmentVariablesField,
    ];

    private string Title => Id is null ? L["Admin.NewApplication"] : form?.Slug ?? L["Applications"];

    protected override async Task OnParametersSetAsync()
    {
        problems = [];
        notFound = false;
        if (Id is not { } id)
        {
            form = new ApplicationForm();
            return;
        }
        await using var db = await Dbs.CreateDbContextAsync();
        var app = await db.Applications.AsNoTracking().SingleOrDefaultAsync(a => a.Id == id);
        form = app is null ? null : ApplicationForm.From(app);
        notFound = app is null;
    }

    private static string InputId(string field) => "app-" + field.Replace('.', '-');
    private bool Has(string field) => problems.ContainsKey(field);
    private string? ErrorOf(string field) => problems.TryGetValue(field, out var messages) ? string.Join(" ", messages) : null;
    private IEnumerable<string> FormWideProblems => problems.Where(p => !Fields.Contains(p.Key)).SelectMany(p => p.Value);

    private async Task<string?> AdminNameAsync()
    {
        // The route already asks the table; the use case asks again, as the database knows the account when it acts.
        return (await AuthenticationState).User.Identity?.Name;
    }

    private async Task SaveAsync()
    {
        if (form is null || busy) return;
        busy = true;
        try
        {
            if (await AdminNameAsync() is not { } admin)
            {
                problems = new() { [""] = [L["AccessDenied"]] };
                return;
            }
            var outcome = await SaveApplication.RunAsync(form, admin);
            if (outcome.Refusal is { } refused)
            {
                problems = refused.Problems.GroupBy(p => p.Field).ToDictionary(g => g.Key, g => g.Select(p => p.MessageIn(System.Globalization.CultureInfo.CurrentUICulture)).ToList());
                return;
            }
            Snackbar.Add(L.Format("Admin.ApplicationSaved", form.Slug.Trim()), Severity.Success);
            Navigation.NavigateTo("applications");
        }
        finally
        {
            busy = false;
        }
    }

    private async Task DeleteAsync()
    {
        if (form?.Id is not { } id || busy) return;
        var confirmed = await Dialogs.ShowMessageBoxAsync(L["Admin.DeleteApplicationTitle"], L.Format("Admin.DeleteApplicationConfirm", form.Slug),
            yesText: L["Admin.Delete"], cancelText: L["Admin.Cancel"]);
        if (confirmed != true) return;
        busy = true;
        try
        {
            if (await AdminNameAsync() is not { } admin)
            {
                problems = new() { [""] = [L["AccessDenied"]] };
                return;
            }
            var outcome = await DeleteApplication.RunAsync(id, admin);
            if (outcome.Refusal is { } refused)
            {
                problems = new() { [""] = [refused.MessageIn(System.Globalization.CultureInfo.CurrentUICulture)] };
                return;
            }
            Snackbar.Add(L.Format("Admin.ApplicationDeleted", form.Slug), Severity.Success);
            Navigation.NavigateTo("applications");
        }
        finally
        {
            busy = false;
        }
    }
}
