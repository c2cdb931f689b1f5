using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using ReleaseGate.Core.Data;

namespace ReleaseGate.Migrations.Postgres;

/// <summary>
/// Lets <c>dotnet ef migrations add</c> build the PostgreSQL model without starting the portal. Adding a migration
/// needs no server; the connection string matters only to <c>dotnet ef database update</c>.
/// </summary>
public sealed class DesignTimeDbFactory : IDesignTimeDbContextFactory<ReleaseGateDb>
{
    public ReleaseGateDb CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<ReleaseGateDb>()
            .UseNpgsql(Environment.GetEnvironmentVariable("RG_POSTGRES") ?? "Host=127.0.0.1;Database=releasegate_design",
                o => o.MigrationsAssembly(typeof(DesignTimeDbFactory).Assembly.GetName().Name))
            .Options);
}
