using System.Diagnostics;
using System.Text.Json;
using ZkMitosis.Coordinator.Stress;
using ZkMitosis.Lab.Servers;
using ZkMitosis.Testing;

namespace ZkMitosis.Cli.Tests.Commands;

public sealed class ToolCommandTests(StandaloneZooKeeperFixture server) : IClassFixture<StandaloneZooKeeperFixture>
{
    private static string Root(string name) => $"/{name}-{Guid.NewGuid():N}"[..(name.Length + 10)];

    [Fact]
    public async Task CopyThenDiff_EqualTreesExitZero_ChangedTreeExitOne()
    {
        var root = Root("copy");
        await CliRunner.RunAsync("zk", "--connect", server.ConnectString, "create", root);
        await CliRunner.RunAsync("zk", "--connect", server.ConnectString, "create", root + "/src", "s");
        await CliRunner.RunAsync("zk", "--connect", server.ConnectString, "create", root + "/src/a", "1");
        var source = server.ConnectString + root + "/src";
        var target = server.ConnectString + root + "/dst";

        var dry = await CliRunner.RunAsync("copy", "--source", source, "--target", target, "--dry-run");
        Assert.True(dry.ExitCode == 0, dry.ToString());
        Assert.Contains($"create  {root}/dst/a", dry.Output, StringComparison.Ordinal);
        Assert.Equal(1, (await CliRunner.RunAsync("diff", "--source", source, "--target", target)).ExitCode);

        var copy = await CliRunner.RunAsync("copy", "--source", source, "--target", target, "--json");
        Assert.True(copy.ExitCode == 0, copy.ToString());
        using (var summary = JsonDocument.Parse(copy.Output))
        {
            Assert.Equal(2, summary.RootElement.GetProperty("created").GetInt64());
            Assert.True(summary.RootElement.GetProperty("nextModifiedSince").GetInt64() > 0);
        }

        var equal = await CliRunner.RunAsync("diff", "--source", source, "--target", target);
        Assert.True(equal.ExitCode == 0, equal.ToString());
        Assert.StartsWith("equal", equal.Output.Trim(), StringComparison.Ordinal);

        await CliRunner.RunAsync("zk", "--connect", server.ConnectString, "set", root + "/dst/a", "changed");
        var different = await CliRunner.RunAsync("diff", "--source", source, "--target", target);
        Assert.Equal(1, different.ExitCode);
        Assert.Contains($"data differs:      {root}/src/a", different.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Copy_SourcePathMissing_ExitOneNamingThePath()
    {
        var root = Root("nosrc");

        var outcome = await CliRunner.RunAsync("copy", "--source", server.ConnectString + root, "--target", server.ConnectString + root + "-dst");

        Assert.Equal(1, outcome.ExitCode);
        Assert.Contains(root, outcome.Error, StringComparison.Ordinal);
        Assert.Contains("does not exist", outcome.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Copy_BadLocation_ExitTwo()
    {
        Assert.Equal(2, (await CliRunner.RunAsync("copy", "--source", "/no-hosts", "--target", server.ConnectString + "/x")).ExitCode);
        Assert.Equal(2, (await CliRunner.RunAsync("copy", "--source", server.ConnectString + "/x", "--target", server.ConnectString + "/y", "--mtime", "yesterday-ish")).ExitCode);
    }

    [Fact]
    public async Task Smoketest_HealthyServerPasses_DeadServerFails()
    {
        var healthy = await CliRunner.RunAsync("smoketest", "--servers", server.ConnectString, "--znode-count", "20");
        Assert.True(healthy.ExitCode == 0, healthy.ToString());
        Assert.Contains("PASSED", healthy.Output, StringComparison.Ordinal);
        Assert.Contains("watch fire", healthy.Output, StringComparison.Ordinal);

        var dead = $"127.0.0.1:{ZkMitosis.Testing.FreePorts.Next()}";
        var failed = await CliRunner.RunAsync("smoketest", "--servers", $"{server.ConnectString},{dead}", "--znode-count", "0", "--timeout", "2", "--json");
        Assert.Equal(1, failed.ExitCode);
        using var report = JsonDocument.Parse(failed.Output);
        Assert.False(report.RootElement.GetProperty("passed").GetBoolean());
        Assert.Equal(dead, report.RootElement.GetProperty("failures")[0].GetProperty("server").GetString());
    }

    [Fact]
    public async Task StressRunThenVerify_AllWritesPresent_ExitZero()
    {
        var file = Path.Combine(Path.GetTempPath(), $"stress-{Guid.NewGuid():N}.json");
        try
        {
            var run = await CliRunner.RunAsync("stress", "run", "--connect", server.ConnectString, "--sessions", "3", "--interval-ms", "10", "--duration", "1.5", "--output", file);
            Assert.True(run.ExitCode == 0, run.ToString());
            Assert.Contains("0 session expiries", run.Output, StringComparison.Ordinal);

            var verify = await CliRunner.RunAsync("stress", "verify", "--connect", server.ConnectString, "--result", file);
            Assert.True(verify.ExitCode == 0, verify.ToString());
            Assert.Contains("PASSED", verify.Output, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task StressRun_StoppedBySigterm_SavesItsResultAndExitsZero()
    {
        var file = Path.Combine(Path.GetTempPath(), $"stress-{Guid.NewGuid():N}.json");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var arg in new[] { Path.Combine(AppContext.BaseDirectory, "zkmitosis.dll"), "stress", "run", "--connect", server.ConnectString, "--sessions", "2", "--interval-ms", "10", "--output", file, "--json" })
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        try
        {
            var writing = await process.StandardError.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(60));
            Assert.Contains("sessions writing under", writing, StringComparison.Ordinal);
            await Task.Delay(500);

            Assert.True(ProcessSignals.Send(process.Id, ProcessSignals.SigTerm));
            var stdout = process.StandardOutput.ReadToEndAsync();
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
            Assert.Equal(0, process.ExitCode);
            var result = StressJson.DeserializeResult(await File.ReadAllTextAsync(file));
            Assert.True(result.AcknowledgedWrites > 0, await stdout);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill();
            }

            File.Delete(file);
        }
    }
}
