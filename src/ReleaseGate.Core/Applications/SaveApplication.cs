using ReleaseGate.Core.Access;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using ReleaseGate.Core.Audit;
using ReleaseGate.Core.Data;
using ReleaseGate.Core.Users;

namespace ReleaseGate.Core.Applications;

/// <summary>The application saved; refusals name each field as <see cref="ApplicationRules"/> does ("" for the whole form).</summary>
public sealed record ApplicationSaved(int Id, bool Created);

/// <summary>An admin creates an application or changes one in the portal.</summary>
public sealed class SaveApplication(IDbContextFactory<ReleaseGateDb> dbs, TimeProvider time)
{
    private const string ManagedByFileMessage = "is declared in the applications file; edit it in Git.";
    private const string ChangedMeanwhile = "Someone else changed this application since you opened it; reload to see their changes.";
    private const string ChangedMeanwhileZh = "在您打开之后,其他人修改了此应用;请重新加载查看他们的修改。";

    public async Task<Outcome<ApplicationSaved>> RunAsync(ApplicationForm form, string user, CancellationToken ct = default)
    {
        var (draft, problems) = form.ToApplication();
        problems.AddRange(ApplicationRules.Problems(draft));

        await using var db = await dbs.CreateDbContextAsync(ct);
        if ((await Actor.ResolveAsync(db, user, time.GetUtcNow(), PortalAction.ManageApplications, ct)).Refusal is { } refusal) return refusal;
        Application? current = null;
        if (form.Id is { } id)
        {
            current = await db.Applications.SingleOrDefaultAsync(a => a.Id == id, ct);
            if (current is null)
                return Refused(RefusalCode.NotFound, new FieldProblem("", $"There is no application {id}; it may have been deleted.", $"应用 {id} 不存在,可能已被删除。"));
            if (current.ManagedByFile)
                return Refused(RefusalCode.ManagedByFile, new FieldProblem("", $"'{current.Slug}' {ManagedByFileMessage}", $"'{current.Slug}' 在应用配置文件中声明,请在 Git 中修改。"));
            if (form.ConcurrencyToken != current.ConcurrencyToken)
                return Refused(RefusalCode.ChangedMeanwhile, new FieldProblem("", ChangedMeanwhile, ChangedMeanwhileZh));
            // Jenkins, jobs and audit rows name an application by its slug: it stays what it was created as.
            if (draft.Slug != current.Slug)
                problems.Add(new FieldProblem("slug", "cannot be changed once the application exists.", "应用创建后不能再修改。"));
        }

        var otherId = current?.Id ?? 0;
        if (await db.Applications.AnyAsync(a => a.Id != otherId && a.Slug == draft.Slug, ct))
            problems.Add(new FieldProblem("slug", $"'{draft.Slug}' is already taken by another application.", $"'{draft.Slug}' 已被其他应用使用。"));
        var port = draft.TestEnvironment.PublishedPort;
        if (await db.Applications.Where(a => a.Id != otherId && a.TestEnvironment.PublishedPort == port)
                .Select(a => a.Slug).FirstOrDefaultAsync(ct) is { } portOwner)
            problems.Add(new FieldProblem("testEnvironment.publishedPort", $"{port} is already the test port of '{portOwner}'.", $"{port} 已是应用 '{portOwner}' 的测试端口。"));
        // The test host removes the previous container by name: a shared name would let one application remove another's.
        var container = draft.TestEnvironment.ContainerName;
        if (await db.Applications.Where(a => a.Id != otherId && a.TestEnvironment.ContainerName == container)
                .Select(a => a.Slug).FirstOrDefaultAsync(ct) is { } containerOwner)
            problems.Add(new FieldProblem("testEnvironment.containerName", $"'{container}' is already the test container of '{containerOwner}'.", $"'{container}' 已是应用 '{containerOwner}' 的测试容器。"));
        if (problems.Count > 0) return new Refusal(RefusalCode.Invalid, problems);

        var now = time.GetUtcNow();
        if (current is null)
        {
            db.Applications.Add(draft);
            db.AuditEvents.Add(AuditEvent.ByUser(now, user, "application.created", draft.Slug, "in the portal"));
        }
        else
        {
            var changed = ChangedFields(current, draft);
            if (changed.Count == 0) return new ApplicationSaved(current.Id, Created: false);
            current.CopySettingsFrom(draft);
            // Field names only: environment variables may hold credentials the audit log must not keep.
            db.AuditEvents.Add(AuditEvent.ByUser(now, user, "application.updated", current.Slug, "changed: " + string.Join(", ", changed)));
        }

        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            return Refused(RefusalCode.ChangedMeanwhile, new FieldProblem("", ChangedMeanwhile, ChangedMeanwhileZh));
        }
        catch (DbUpdateException) when (current is null)
        {
            // Another admin took the slug between the check and the save; the unique index refused ours.
            if (!await SlugTakenAsync(draft.Slug, ct)) throw;
            return Refused(RefusalCode.AlreadyExists, new FieldProblem("slug", $"'{draft.Slug}' is already taken by another application.", $"'{draft.Slug}' 已被其他应用使用。"));
        }
        return new ApplicationSaved((current ?? draft).Id, Created: current is null);
    }

    private async Task<bool> SlugTakenAsync(string slug, CancellationToken ct)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        return await db.Applications.AnyAsync(a => a.Slug == slug, ct);
    }

    private static Refusal Refused(RefusalCode code, FieldProblem problem) => new(code, [problem]);

    private static List<string> ChangedFields(Application before, Application after)
    {
        var (a, b) = (Settings(before), Settings(after));
        return a.Keys.Union(b.Keys).Where(k => !JsonNode.DeepEquals(a[k], b[k])).ToList();
    }

    /// <summary>Every setting as "field" or "group.field", named as <see cref="ApplicationRules"/> names them.</summary>
    private static Dictionary<string, JsonNode?> Settings(Application a)
    {
        var root = JsonSerializer.SerializeToNode(a, JsonOptions)!.AsObject();
        var fields = new Dictionary<string, JsonNode?>();
        foreach (var (name, value) in root)
        {
            if (name is "id" or "managedByFile" or "concurrencyToken") continue;
            if (value is JsonObject group && name is "testEnvironment" or "rollout")
                foreach (var (inner, innerValue) in group) fields[$"{name}.{inner}"] = innerValue;
            else fields[name] = value;
        }
        return fields;
    }

    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web);
}
