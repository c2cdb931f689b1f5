using Bunit;
using Microsoft.EntityFrameworkCore;
using ReleaseGate.Core.Audit;

namespace ReleaseGate.Web.Tests;

public class AuditPageTests : ComponentTests
{
    private void Seed()
    {
        using var db = Database.CreateDbContext();
        db.AuditEvents.Add(AuditEvent.ByIntegration(Now, "jenkins-1", "candidate.registered", "orders-api 1.4.2"));
        db.AuditEvents.Add(AuditEvent.ByUser(Now, "qa@example.com", "candidate.approved", "orders-api 1.4.2"));
        db.AuditEvents.Add(AuditEvent.ByIntegration(Now, "(no key)", "api.refused", "POST /api/v1/candidates", "401 unauthorized"));
        db.SaveChanges();
    }

    [Fact]
    public void Lists_the_trail_newest_first()
    {
        Seed();
        var page = Render<AuditTrailPage>();
        page.WaitForAssertion(() => Assert.Equal(3, page.FindAll("#audit tbody tr").Count));
        Assert.Equal("api.refused", page.Find("#audit tbody tr .audit-action").TextContent);
    }

    [Fact]
    public void Verifying_reports_an_intact_chain_and_then_a_broken_one()
    {
        Seed();
        var page = Render<AuditTrailPage>();
        page.Find("#audit-verify").Click();
        page.WaitForAssertion(() => Assert.Contains("intact: 3 rows", page.Find("#audit-verdict").TextContent));

        using (var db = Database.CreateDbContext())
            db.Database.ExecuteSqlRaw("UPDATE AuditEvents SET Actor = 'someone-else' WHERE Sequence = 2");
        page.Find("#audit-verify").Click();
        page.WaitForAssertion(() => Assert.Contains("breaks at row 2", page.Find("#audit-verdict").TextContent));
    }
}
