using System.ComponentModel.DataAnnotations;
using ReleaseGate.Web.Settings;

namespace ReleaseGate.Web.Security;

/// <summary>ReleaseGate__Security__*: how fast a changed account reaches open tabs, and how many calls a caller may make.</summary>
public sealed class SecuritySettings : ISettings
{
    public static string Section => "ReleaseGate:Security";

    /// <summary>Seconds between checks of an open tab's account and of a cookie's security stamp.</summary>
    [Range(1, 3600)] public int SessionCheckSeconds { get; set; } = 5;
    /// <summary>Hours a sign-in lasts at most, however active: then the person signs in again (and the provider is asked again).</summary>
    [Range(0.001, 8760)] public double SessionHours { get; set; } = 12;
    /// <summary>Calls to /api/ a minute for one key (or token).</summary>
    [Range(1, 1_000_000)] public int ApiCallsPerMinutePerKey { get; set; } = 600;
    /// <summary>Calls to /api/ a minute from one address, whatever key they name.</summary>
    [Range(1, 1_000_000)] public int ApiCallsPerMinutePerAddress { get; set; } = 1200;
    /// <summary>Sign-in attempts a minute from one address.</summary>
    [Range(1, 10_000)] public int SignInsPerMinutePerAddress { get; set; } = 20;
}
