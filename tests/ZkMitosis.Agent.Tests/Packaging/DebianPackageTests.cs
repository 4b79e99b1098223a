using System.Diagnostics;
using ZkMitosis.Agent.Tests.Support;
using ZkMitosis.Testing;

namespace ZkMitosis.Agent.Tests.Packaging;

/// <summary>
/// Installs the agent's .deb with dpkg on this machine, checks the installed files, starts the installed binary with a
/// sample config, and purges the package. The .deb is built by <c>packaging/build.sh --agent-from-build</c> from the
/// agent build this test already depends on (framework-dependent, seconds), not by the self-contained release publish
/// (<c>./zkm package</c>, several minutes): same staged tree, maintainer scripts and control file, and the current code.
/// </summary>
[Collection(DpkgCollection.Name)]
public sealed class DebianPackageTests
{
    private const string Package = "zkmitosis-agent";

    [Fact]
    public async Task InstallStartPurge_AgentDeb_FilesInPlaceAndBinaryStarts()
    {
        NetworkNamespaces.RequireRoot();
        var root = RepositoryRoot();
        using var directory = new TestDirectory("zkat-pkg");
        var packages = Path.Combine(directory.Path, "packages");
        // Packaging compresses the whole build output: give it time on a loaded machine.
        await NetworkNamespaces.RunAsync(TimeSpan.FromMinutes(3), "bash", Path.Combine(root, "packaging", "build.sh"), "--agent-from-build", AgentBuildDirectory(root), "--out", packages);
        var deb = Directory.GetFiles(packages, $"{Package}_*_amd64.deb").Single();

        Assert.False(IsInstalled(), $"{Package} is already installed on this machine; the test would remove it");
        try
        {
            await NetworkNamespaces.RunAsync("dpkg", "-i", deb);

            Assert.True(File.Exists("/usr/lib/systemd/system/zkmitosis-agent.service"));
            Assert.True(File.Exists("/etc/zkmitosis/agent.json"));
            Assert.True(File.Exists("/usr/lib/zkmitosis-agent/zkmitosis-agent"));
            Assert.True(File.Exists("/usr/sbin/zkmitosis-agent"));
            Assert.Contains("/etc/zkmitosis/agent.json", await NetworkNamespaces.RunAsync("dpkg-query", "-W", "-f=${Conffiles}", Package), StringComparison.Ordinal);
            Assert.Contains("Type=notify", await File.ReadAllTextAsync("/usr/lib/systemd/system/zkmitosis-agent.service"), StringComparison.Ordinal);

            // The packaged config is refused as shipped (no TLS files yet): the binary runs and names the problem.
            var (exitCode, output) = await RunAsync("/usr/sbin/zkmitosis-agent", "--config", "/etc/zkmitosis/agent.json");
            Assert.Equal(2, exitCode);
            Assert.Contains("Tls.CertificatePath", output, StringComparison.Ordinal);

            // With a sample config it starts and serves.
            var zooCfg = Path.Combine(directory.Path, "zoo.cfg");
            await File.WriteAllTextAsync(zooCfg, $"dataDir={directory.Path}/data\nclientPort={FreePorts.Next()}\n");
            var config = AgentProcess.ZooKeeperConfig(directory.Path, zooCfg, FreePorts.Next(), FreePorts.Next());
            var configPath = Path.Combine(directory.Path, "agent.json");
            await File.WriteAllTextAsync(configPath, config.ToJsonString());
            using var agent = Process.Start(new ProcessStartInfo("/usr/sbin/zkmitosis-agent", ["--config", configPath]) { RedirectStandardOutput = true, RedirectStandardError = true })!;
            var log = new System.Collections.Concurrent.ConcurrentQueue<string>();
            agent.OutputDataReceived += (_, e) => log.Enqueue(e.Data ?? string.Empty);
            agent.ErrorDataReceived += (_, e) => log.Enqueue(e.Data ?? string.Empty);
            agent.BeginOutputReadLine();
            agent.BeginErrorReadLine();
            try
            {
                var ready = false;
                using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
                var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
                while (!ready && DateTime.UtcNow < deadline && !agent.HasExited)
                {
                    try
                    {
                        ready = (await http.GetAsync(new Uri($"http://127.0.0.1:{(int)config["MonitoringPort"]!}/readyz"))).IsSuccessStatusCode;
                    }
                    catch (HttpRequestException)
                    {
                        await Task.Delay(100);
                    }
                }

                Assert.True(ready, $"the installed agent did not become ready within 60 s:\n{string.Join('\n', log)}");
            }
            finally
            {
                if (!agent.HasExited)
                {
                    agent.Kill(entireProcessTree: true);
                }

                await agent.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
            }
        }
        finally
        {
            await NetworkNamespaces.RunAsync("dpkg", "--purge", Package);
        }

        Assert.False(IsInstalled());
        Assert.False(File.Exists("/usr/lib/zkmitosis-agent/zkmitosis-agent"));
        Assert.False(File.Exists("/etc/zkmitosis/agent.json"));
    }

    private static bool IsInstalled()
    {
        using var query = Process.Start(new ProcessStartInfo("dpkg-query", ["-W", "-f=${Status}", Package]) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var status = query.StandardOutput.ReadToEnd();
        query.WaitForExit();
        return status.Contains("install ok installed", StringComparison.Ordinal);
    }

    private static async Task<(int ExitCode, string Output)> RunAsync(string file, params string[] arguments)
    {
        using var process = Process.Start(new ProcessStartInfo(file, arguments) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        return (process.ExitCode, await output + await error);
    }

    /// <summary>The agent's own build output in this test's configuration (the test project references the agent).</summary>
    private static string AgentBuildDirectory(string root)
    {
        var configuration = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name;
        var path = Path.Combine(root, "agent", "bin", configuration, "net10.0");
        return File.Exists(Path.Combine(path, "zkmitosis-agent"))
            ? path
            : throw new InvalidOperationException($"no agent build in {path}; run `dotnet build agent/ZkMitosis.Agent.csproj -c {configuration}`");
    }

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "ZkMitosis.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("the repository root (ZkMitosis.sln) is not above the test's directory");
    }
}
