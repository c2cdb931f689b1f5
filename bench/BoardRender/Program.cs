// Board render benchmark: the board and a candidate page rendered server-side, with the real components and
// use cases through HtmlRenderer (what prerendering does), over SQLite seeded with 200 applications, 50,000 candidates and 500,000 audit rows.
// Usage: dotnet run -c Release --project bench/BoardRender [-- renders]
using System.Diagnostics;
using System.Globalization;
using BoardRender;
using System.Security.Claims;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Web;
using Microsoft.Extensions.Logging;
using Microsoft.JSInterop;
using ReleaseGate.Core.Board;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor.Services;
using ReleaseGate.Core;
using ReleaseGate.Core.Candidates;
using ReleaseGate.Core.Data;
using ReleaseGate.Core.Deployments;
using ReleaseGate.Core.Schedule;
using ReleaseGate.Core.Users;
using ReleaseGate.Web.Adapters.Schedule;
using ReleaseGate.Web.Components.Board;
using ReleaseGate.Web.Components.Candidates;
using ReleaseGate.Web.Components.Applications;
using ReleaseGate.Web.Components.Users;
using ReleaseGate.Web.Components.Integrations;
using ReleaseGate.Web.Components.Audit;
using ReleaseGate.Web.Localization;

const double TargetMs = 150;
const int Warmup = 5;
var renders = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 25;
CultureInfo.CurrentCulture = CultureInfo.CurrentUICulture = new CultureInfo("en");

var path = Path.Combine(Path.GetTempPath(), $"rg-bench-board-{Guid.NewGuid():N}.db");
var connectionString = $"Data Source={path}";
var options = new DbContextOptionsBuilder<ReleaseGateDb>()
    .UseSqlite(connectionString, o => o.MigrationsAssembly("ReleaseGate.Migrations")).Options;
try
{
    var seeding = Stopwatch.StartNew();
    await using (var db = new ReleaseGateDb(options)) await db.Database.MigrateAsync();
    var sizes = Seed.Run(connectionString, applications: 200, candidatesPerApp: 250, auditRows: 500_000);
    Console.WriteLine($"seeded in {seeding.Elapsed.TotalSeconds:F1} s ({new FileInfo(path).Length / 1e6:F0} MB): {sizes.Applications} applications, "
        + $"{sizes.Candidates:N0} candidates, {sizes.Events:N0} candidate events, {sizes.SignOffs:N0} sign-offs, "
        + $"{sizes.Releases:N0} releases, {sizes.AuditRows:N0} audit rows");

    Guid candidateId;
    await using (var db = new ReleaseGateDb(options))
        candidateId = await db.Candidates.Where(c => c.Phase == CandidatePhase.Approved)
            .OrderByDescending(c => c.RegisteredAt).Select(c => c.Id).FirstAsync();

    await using var services = Services();
    var query = await MeasureAsync("board query alone (LoadBoard)", async () =>
    {
        await using var scope = services.CreateAsyncScope();
        var rows = await scope.ServiceProvider.GetRequiredService<LoadBoard>().RunAsync("qa1@example.com");
        return rows.Count == 200 ? "" : $"{rows.Count} rows";
    });
    var board = await MeasureAsync("board (200 rows)", async () =>
    {
        var html = await RenderAsync<BoardPage>(services, new Dictionary<string, object?>());
        var rows = html.Split("board-row").Length - 1;
        return rows == 200 ? "" : $"{rows} rows rendered";
    });
    var candidate = await MeasureAsync("candidate page", async () =>
    {
        var html = await RenderAsync<CandidatePage>(services, new Dictionary<string, object?> { ["Id"] = candidateId });
        return html.Contains("id=\"timeline\"") ? "" : "no timeline rendered";
    });
    var list = await MeasureAsync("candidate list (page 1 of 50,000)", async () =>
    {
        var html = await RenderAsync<CandidatesPage>(services, new Dictionary<string, object?>());
        return html.Contains("candidate-link") ? "" : "no candidates rendered";
    });

    Console.WriteLine($"target: {TargetMs} ms per render");
    Console.WriteLine($"board query: median {query:F1} ms");
    Console.WriteLine($"board: median {board:F1} ms {(board <= TargetMs ? "OK" : "OVER TARGET")}");
    Console.WriteLine($"candidate page: median {candidate:F1} ms {(candidate <= TargetMs ? "OK" : "OVER TARGET")}");
    Console.WriteLine($"candidate list: median {list:F1} ms {(list <= TargetMs ? "OK" : "OVER TARGET")}");
    return board <= TargetMs && candidate <= TargetMs ? 0 : 1;
}
finally
{
    SqliteConnection.ClearAllPools();
    foreach (var file in new[] { path, path + "-wal", path + "-shm" }) File.Delete(file);
}

async Task<double> MeasureAsync(string name, Func<Task<string>> render)
{
    var times = new List<double>();
    for (var i = 0; i < Warmup + renders; i++)
    {
        var watch = Stopwatch.StartNew();
        var problem = await render();
        watch.Stop();
        if (problem.Length > 0) throw new InvalidOperationException($"{name}: {problem}");
        if (i >= Warmup) times.Add(watch.Elapsed.TotalMilliseconds);
    }
    times.Sort();
    var median = times.Count % 2 == 1 ? times[times.Count / 2] : (times[times.Count / 2 - 1] + times[times.Count / 2]) / 2;
    Console.WriteLine($"{name}: {renders} renders after {Warmup} warm-up, min {times[0]:F1} ms, median {median:F1} ms, max {times[^1]:F1} ms");
    return median;
}

// What a prerender does for one request: a fresh scope, the page with its layout-free parameters and a signed-in QA.
async Task<string> RenderAsync<TPage>(ServiceProvider services, Dictionary<string, object?> parameters) where TPage : IComponent
{
    await using var scope = services.CreateAsyncScope();
    await using var renderer = new HtmlRenderer(scope.ServiceProvider, scope.ServiceProvider.GetRequiredService<ILoggerFactory>());
    var user = new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.Name, "qa1@example.com"), new Claim(ClaimTypes.Role, Roles.QA)], "bench"));
    RenderFragment page = b =>
    {
        b.OpenComponent<TPage>(0);
        b.AddMultipleAttributes(1, parameters!);
        b.CloseComponent();
    };
    return await renderer.Dispatcher.InvokeAsync(async () =>
    {
        var root = await renderer.RenderComponentAsync<CascadingValue<Task<AuthenticationState>>>(ParameterView.FromDictionary(
            new Dictionary<string, object?> { ["Value"] = Task.FromResult(new AuthenticationState(user)), ["ChildContent"] = page }));
        await root.QuiescenceTask;
        return root.ToHtmlString();
    });
}

ServiceProvider Services()
{
    var services = new ServiceCollection();
    services.AddLogging();
    services.AddMudServices();
    services.AddSingleton<IJSRuntime, NoJavaScript>();
    services.AddScoped<NavigationManager, StaticNavigation>();
    services.AddSingleton<UiText>();
    services.AddDbContextFactory<ReleaseGateDb>(o => o.UseSqlite(connectionString, s => s.MigrationsAssembly("ReleaseGate.Migrations")));
    services.AddSingleton(TimeProvider.System);
    services.AddReleaseGateUseCases();
    services.AddSingleton<ICutoffCalendar, QuartzCutoffCalendar>();
    services.AddSingleton<CandidateChanges>();
    services.AddSingleton<ICandidateChanges>(sp => sp.GetRequiredService<CandidateChanges>());
    services.AddSingleton<IDeploymentQueue, NoDeployments>();
    services.AddScoped<BrowserTime>();
    services.AddSingleton(new PortalLinks(new Uri("http://127.0.0.1:8080/")));
    return services.BuildServiceProvider();
}

internal sealed class NoDeployments : IDeploymentQueue
{
    public Task EnqueueAsync(Guid candidateId, string application, CancellationToken ct) => Task.CompletedTask;
}

/// <summary>Prerendering has no browser: nothing is called before the circuit starts.</summary>
internal sealed class NoJavaScript : IJSRuntime
{
    public ValueTask<TValue> InvokeAsync<TValue>(string identifier, object?[]? args) => ValueTask.FromResult(default(TValue)!);
    public ValueTask<TValue> InvokeAsync<TValue>(string identifier, CancellationToken cancellationToken, object?[]? args) => ValueTask.FromResult(default(TValue)!);
}

internal sealed class StaticNavigation : NavigationManager
{
    public StaticNavigation() => Initialize("http://127.0.0.1:8080/", "http://127.0.0.1:8080/");
}
