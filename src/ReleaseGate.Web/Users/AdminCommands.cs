using Microsoft.AspNetCore.Identity;
using ReleaseGate.Core;
using ReleaseGate.Core.Users;

namespace ReleaseGate.Web.Users;

/// <summary>
/// <c>releasegate admin …</c>: bootstrap or rescue an installation from a shell, on the configured database, through the
/// same use cases as the Users page, acting as "cli". Exit codes: 0 done, 1 refused or failed, 2 wrong usage.
/// </summary>
public static class AdminCommands
{
    public const string Usage = """
        usage: releasegate admin create-user --email E --roles QA,ReleaseManager [--display-name N] [--password-file F]
               releasegate admin create-token --email E --name N --scopes read,sign-off,release,admin [--expires-days D]
               releasegate admin reset-password --email E [--password-file F]
               releasegate admin disable --email E
               releasegate admin link-login --email E --subject S
        """;

    private static readonly Dictionary<string, (string[] Required, string[] Optional)> Commands = new()
    {
        ["create-user"] = (["--email", "--roles"], ["--display-name", "--password-file"]),
        ["create-token"] = (["--email", "--name", "--scopes"], ["--expires-days"]),
        ["reset-password"] = (["--email"], ["--password-file"]),
        ["disable"] = (["--email"], []),
        ["link-login"] = (["--email", "--subject"], []),
    };

    public static async Task<int> RunAsync(IServiceProvider services, string[] args, TextWriter output, TextWriter error)
    {
        if (Parse(args, error) is not { } parsed) { error.WriteLine(Usage); return 2; }
        var (command, options) = parsed;
        string? password = null;
        if (options.TryGetValue("--password-file", out var file))
        {
            if (!File.Exists(file)) { error.WriteLine($"--password-file: there is no file '{file}'."); return 2; }
            password = File.ReadAllText(file).TrimEnd('\r', '\n');
        }
        int? days = null;
        if (options.TryGetValue("--expires-days", out var d))
        {
            if (!int.TryParse(d, out var n)) { error.WriteLine("--expires-days: must be a whole number of days."); return 2; }
            days = n;
        }

        await using var scope = services.CreateAsyncScope();
        var sp = scope.ServiceProvider;
        var email = options["--email"];
        if (command == "create-user")
        {
            var roles = options["--roles"].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            var created = await sp.GetRequiredService<CreateUser>().RunAsync(email, options.GetValueOrDefault("--display-name") ?? "", roles, Acting.CommandLine, password);
            return Report(created, error, "--email", v => { if (v.TemporaryPassword is { } p) output.WriteLine(p); });
        }
        if (command == "create-token")
        {
            var user = await sp.GetRequiredService<UserManager<PortalUser>>().FindByEmailAsync(email);
            if (user is null) { error.WriteLine($"--email: there is no account {email}."); return 1; }
            var token = await sp.GetRequiredService<CreateToken>().RunAsync(Acting.CommandLine, user.UserName!, options["--name"], days,
                options["--scopes"].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
            return Report(token, error, "--email", v => output.WriteLine(v.Token));
        }
        if (command == "link-login")
        {
            // The person's id at the configured provider (GitLab: the user's numeric id), keyed by the provider's issuer.
            var directory = sp.GetRequiredService<IExternalDirectory>();
            if (await directory.IssuerAsync(CancellationToken.None) is not { } issuer)
            {
                error.WriteLine("link-login: no OpenID Connect provider is configured (ReleaseGate__Oidc__Authority), or it did not answer.");
                return 1;
            }
            var linked = await sp.GetRequiredService<LinkExternalLogin>().RunAsync(Acting.CommandLine, email,
                new ExternalLogin(issuer, options["--subject"], directory.ProviderName));
            return Report(linked, error, "--email", _ => { });
        }
        var target = await sp.GetRequiredService<UserManager<PortalUser>>().FindByEmailAsync(email);
        if (target is null) { error.WriteLine($"--email: there is no account {email}."); return 1; }
        var change = command == "disable" ? UserChange.Disable : UserChange.ResetPassword;
        var changed = await sp.GetRequiredService<ChangeUser>().RunAsync(target.Id, change, Acting.CommandLine, newPassword: password);
        return Report(changed, error, "--email", v => { if (v.TemporaryPassword is { } p) output.WriteLine(p); });
    }

    /// <summary>Prints the value's one line, or the refusal naming the option it is about.</summary>
    private static int Report<T>(Outcome<T> outcome, TextWriter error, string defaultOption, Action<T> print)
    {
        if (outcome.Refusal is { } refusal)
        {
            foreach (var p in refusal.Problems)
                error.WriteLine($"{Option(p.Field, defaultOption)}: {p.Message}");
            return 1;
        }
        print(outcome.Value!);
        return 0;
    }

    private static string Option(string field, string fallback) => field switch
    {
        "" => fallback,
        "expiresDays" => "--expires-days",
        "scopes" => "--scopes",
        "displayName" => "--display-name",
        _ => "--" + field,
    };

    private static (string Command, Dictionary<string, string> Options)? Parse(string[] args, TextWriter error)
    {
        if (args.Length == 0 || !Commands.TryGetValue(args[0], out var spec))
        {
            error.WriteLine(args.Length == 0 ? "admin: name a command." : $"admin: there is no command '{args[0]}'.");
            return null;
        }
        var options = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 1; i < args.Length; i++)
        {
            if (!spec.Required.Contains(args[i]) && !spec.Optional.Contains(args[i]))
            {
                error.WriteLine($"{args[0]}: unknown option '{args[i]}'.");
                return null;
            }
            if (i + 1 >= args.Length || args[i + 1].StartsWith("--", StringComparison.Ordinal))
            {
                error.WriteLine($"{args[i]}: needs a value.");
                return null;
            }
            options[args[i]] = args[++i];
        }
        if (spec.Required.FirstOrDefault(o => !options.ContainsKey(o)) is { } missing)
        {
            error.WriteLine($"{missing}: is required for {args[0]}.");
            return null;
        }
        return (args[0], options);
    }
}
