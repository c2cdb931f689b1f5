using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using ReleaseGate.Core.Data;

namespace ReleaseGate.Migrations;

/// <summary>Lets <c>dotnet ef migrations add</c> build the model without starting the portal.</summary>
public sealed class DesignTimeDbFactory : IDesignTimeDbContextFactory<ReleaseGateDb>
{
    public ReleaseGateDb CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<ReleaseGateDb>()
            .UseSqlite("Data Source=design-time.db", o => o.MigrationsAssembly(typeof(DesignTimeDbFactory).Assembly.GetName().Name))
            .Options);
}
