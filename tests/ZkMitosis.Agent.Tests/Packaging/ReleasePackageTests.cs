using System.Diagnostics;
using System.Text.Json;
using ZkMitosis.Agent.Tests.Support;
using ZkMitosis.Testing;

namespace ZkMitosis.Agent.Tests.Packaging;

/// <summary>
/// The .deb packages as released (<c>packaging/build.sh</c>: the agent Native AOT, the CLI self-contained), built once
/// for the class by <see cref="ReleasePackages"/>: lintian passes with no tag suppressed, and the installed
/// <c>zkmitosis</c> rehearses, running the lab's broker stand-in and agent in the form the packages ship them.
/// Installs into this machine with dpkg (in the same collection as <see cref="DebianPackageTests"/>, never at once) and
/// purges even when a step fails.
/// </summary>
[Collection(DpkgCollection.Name)]
public sealed class ReleasePackageTests(ReleasePackages packages) : IClassFixture<ReleasePackages>
{
    private static readonly string[] Packages = ["zkmitosis", "zkmitosis-agent"];

    [Fact]
    public async Task Lintian_ReleasePackages_NoErrorWithNothingSuppressed()
    {
        foreach (var deb in packages.Debs)
        {
            // As anyone else runs it: no --suppress-tags; what lintian must accept is said inside the package.
            var (exitCode, output) = await RunAsync(TimeSpan.FromMinutes(3), "lintian", "--fail-on", "error", deb);

            Assert.True(exitCode == 0, $"lintian {Path.GetFileName(deb)} exited {exitCode}:\n{output}");
            Assert.DoesNotContain("embedded-library", output, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task InstalledCli_LabUpStatusDown_RunsThePackagedStandInAndAgentAndLeavesNothing()
    {
        NetworkNamespaces.RequireRoot();
        foreach (var package in Packages)
        {
            Assert.False(IsInstalled(package), $"{package} is already installed on this machine; the test would remove it");
        }

        using var directory = new TestDirectory("zkat-rel");
        var suffix = Convert.ToHexStringLower(Guid.NewGuid().ToByteArray())[..4];
        var lab = new[] { "--name", "pk" + suffix, "--dir", Path.Combine(directory.Path, "lab") };
        try
        {
            await NetworkNamespaces.RunAsync(TimeSpan.FromMinutes(2), ["dpkg", "-i", .. packages.Debs]);

            // The packaged stand-in answers as itself whatever the working directory: without its own deps.json, the
            // .NET host ran it in "split fx" mode from its own directory and took "tenant-writer" for an application.
            var fromItsDirectory = await RunAsync(TimeSpan.FromMinutes(1), "/usr/lib/zkmitosis", ["/usr/lib/zkmitosis/zkmitosis-kafka-standin", "tenant-writer"]);
            Assert.Contains("tenant-writer needs --connect", fromItsDirectory.Output, StringComparison.Ordinal);

            var up = await RunAsync(TimeSpan.FromMinutes(4), ["/usr/bin/zkmitosis", "lab", "up", .. lab, "--source", "1", "--dest", "1", "--brokers", "1", "--subnet", $"10.253.{Random.Shared.Next(1, 255)}.0/24"]);
            Assert.True(up.ExitCode == 0, $"lab up from the installed zkmitosis exited {up.ExitCode}:\n{up.Output}");

            var status = await RunAsync(TimeSpan.FromMinutes(1), ["/usr/bin/zkmitosis", "lab", "status", .. lab, "--json"]);
            Assert.True(status.ExitCode == 0, $"lab status exited {status.ExitCode}:\n{status.Output}");
            using var report = JsonDocument.Parse(status.Output);
            var hosts = report.RootElement.GetProperty("hosts").EnumerateArray().ToList();
            // Source ZooKeeper, broker stand-in and tenant writer running (the destination is created stopped); the
            // broker registered; an agent on every host but the tenant's, healthy.
            Assert.Equal(["Broker", "Destination", "Source", "Tenant"], hosts.Select(host => host.GetProperty("role").GetString()!).Distinct().Order(StringComparer.Ordinal));
            Assert.All(hosts.Where(host => host.GetProperty("role").GetString() != "Destination"), host => Assert.True(host.GetProperty("serviceRunning").GetBoolean(), $"not running: {host}"));
            Assert.True(hosts.Single(host => host.GetProperty("role").GetString() == "Broker").GetProperty("brokerRegistered").GetBoolean(), "the stand-in did not register");
            Assert.All(hosts.Where(host => host.GetProperty("role").GetString() != "Tenant"), host => Assert.True(host.GetProperty("agentHealthy").GetBoolean(), $"agent not healthy: {host}"));

            // The packaged programs themselves: the stand-in's own executable (self-contained, beside the CLI) and the
            // Native AOT agent; no dotnet host.
            var commandLines = LabProcesses(directory.Path);
            Assert.Contains(commandLines, line => line.StartsWith("/usr/lib/zkmitosis/zkmitosis-kafka-standin ", StringComparison.Ordinal));
            Assert.Contains(commandLines, line => line.StartsWith(InstalledAgentPrefix, StringComparison.Ordinal));
            Assert.DoesNotContain(commandLines, line => line.Contains("dotnet", StringComparison.Ordinal));

            var down = await RunAsync(TimeSpan.FromMinutes(2), ["/usr/bin/zkmitosis", "lab", "down", .. lab]);
            Assert.True(down.ExitCode == 0, $"lab down exited {down.ExitCode}:\n{down.Output}");
            Assert.Empty(LabProcesses(directory.Path));
            Assert.DoesNotContain($"zkm-pk{suffix}-", await NetworkNamespaces.RunAsync(TimeSpan.FromSeconds(30), "ip", "netns", "list"), StringComparison.Ordinal);
            Assert.DoesNotContain($"zkm-pk{suffix}-", await NetworkNamespaces.RunAsync(TimeSpan.FromSeconds(30), "ip", "link", "show"), StringComparison.Ordinal);
        }
        finally
        {
            // Idempotent: after a failure above it removes whatever the lab left (a no-op after a clean down).
            if (File.Exists("/usr/bin/zkmitosis"))
            {
                await RunAsync(TimeSpan.FromMinutes(2), ["/usr/bin/zkmitosis", "lab", "down", .. lab]);
            }

            await NetworkNamespaces.RunAsync(TimeSpan.FromMinutes(2), ["dpkg", "--purge", .. Packages]);
        }

        foreach (var package in Packages)
        {
            Assert.False(IsInstalled(package), $"{package} is still installed after the purge");
        }

        Assert.False(Directory.Exists("/usr/lib/zkmitosis"));
        Assert.False(Directory.Exists("/usr/lib/zkmitosis-agent"));
    }

    private const string InstalledAgentPrefix = "/usr/lib/zkmitosis-agent/zkmitosis-agent ";

    /// <summary>Command lines of the processes that run from the lab's directory (its services and agents).</summary>
    private static List<string> LabProcesses(string labDirectory)
    {
        var lines = new List<string>();
        foreach (var process in Directory.GetDirectories("/proc").Where(d => int.TryParse(Path.GetFileName(d), out _)))
        {
            string commandLine;
            try
            {
                commandLine = File.ReadAllText(Path.Combine(process, "cmdline")).Replace('\0', ' ');
            }
            catch (IOException)
            {
                continue; // exited while listed
            }

            if (commandLine.Contains(labDirectory, StringComparison.Ordinal))
            {
                lines.Add(commandLine);
            }
        }

        return lines;
    }

    private static bool IsInstalled(string package)
    {
        using var query = Process.Start(new ProcessStartInfo("dpkg-query", ["-W", "-f=${Status}", package]) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var status = query.StandardOutput.ReadToEnd();
        query.WaitForExit();
        return status.Contains("install ok installed", StringComparison.Ordinal);
    }

    /// <summary>Runs a command (without the source tree's agent and stand-in overrides) and returns its exit code and output.</summary>
    private static Task<(int ExitCode, string Output)> RunAsync(TimeSpan timeout, params string[] command) => RunAsync(timeout, null, command);

    /// <summary>As <see cref="RunAsync(TimeSpan, string[])"/>, in <paramref name="workingDirectory"/> when given.</summary>
    private static async Task<(int ExitCode, string Output)> RunAsync(TimeSpan timeout, string? workingDirectory, string[] command)
    {
        var startInfo = new ProcessStartInfo(command[0], command[1..]) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = workingDirectory ?? string.Empty };
        foreach (var variable in new[] { "ZKM_AGENT_DLL", "ZKM_AGENT_EXECUTABLE", "ZKM_STANDIN_DLL" })
        {
            startInfo.Environment.Remove(variable);
        }

        using var process = Process.Start(startInfo)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"'{string.Join(' ', command)}' did not finish within {timeout.TotalSeconds:0} s");
        }

        return (process.ExitCode, await output + await error);
    }
}
