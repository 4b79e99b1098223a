using Xunit.Abstractions;
using ZkMitosis.Lab.Network;

namespace ZkMitosis.Lab.Tests;

/// <summary>Runs the real <c>zkmitosis migrate check</c> (the built CLI) on a lab's plan and logs what it printed.</summary>
internal static class MigrateCheckRunner
{
    public static async Task<CommandResult> RunAsync(Lab lab, ITestOutputHelper log)
    {
        var started = System.Diagnostics.Stopwatch.StartNew();
        var outcome = await CommandRunner.RunAsync("dotnet", [CliAssembly, "migrate", "check", lab.PlanPath!], TimeSpan.FromMinutes(3));
        log.WriteLine($"migrate check: exit {outcome.ExitCode} after {started.Elapsed.TotalSeconds:0.0} s\n{outcome.StandardOutput}{outcome.StandardError}");
        return outcome;
    }

    private static string CliAssembly
    {
        get
        {
            for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
            {
                if (File.Exists(Path.Combine(directory.FullName, "ZkMitosis.sln")))
                {
                    var configuration = AppContext.BaseDirectory.Contains("/Release/", StringComparison.Ordinal) ? "Release" : "Debug";
                    var path = Path.Combine(directory.FullName, "cli", "ZkMitosis.Cli", "bin", configuration, "net10.0", "zkmitosis.dll");
                    return File.Exists(path) ? path : throw new InvalidOperationException($"{path} is missing: build the solution first");
                }
            }

            throw new InvalidOperationException("cannot find the repository root (ZkMitosis.sln) above " + AppContext.BaseDirectory);
        }
    }
}
