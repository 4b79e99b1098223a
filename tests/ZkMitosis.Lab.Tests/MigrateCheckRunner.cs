using Xunit.Abstractions;
using ZkMitosis.Lab.Network;
using ZkMitosis.Testing;

namespace ZkMitosis.Lab.Tests;

/// <summary>Runs the real <c>zkmitosis migrate check</c> (the built CLI) on a lab's plan and logs what it printed.</summary>
internal static class MigrateCheckRunner
{
    public static async Task<CommandResult> RunAsync(Lab lab, ITestOutputHelper log)
    {
        var started = System.Diagnostics.Stopwatch.StartNew();
        var outcome = await CommandRunner.RunAsync("dotnet", [RealCli.CliAssembly, "migrate", "check", lab.PlanPath!], TimeSpan.FromMinutes(3));
        log.WriteLine($"migrate check: exit {outcome.ExitCode} after {started.Elapsed.TotalSeconds:0.0} s\n{outcome.StandardOutput}{outcome.StandardError}");
        return outcome;
    }

}
