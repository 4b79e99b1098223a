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
    public async Task CopyThenDiff_EqualTreesExitZero_ChangedTreeExitThree()
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
        Assert.Equal(3, (await CliRunner.RunAsync("diff", "--source", source, "--target", target)).ExitCode);

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
        Assert.Equal(3, different.ExitCode);
        Assert.Contains($"data differs:      {root}/src/a", different.Output, StringComparison.Ordinal);
    }

    /// <summary>A diff that cannot be made is a failure (1), never "different" (3): one line, no stack trace.</summary>
    [Fact]
    public async Task Diff_Failing_ExitsOneNotThree_WithOneLine()
    {
        var root = Root("dfail");
        await CliRunner.RunAsync("zk", "--connect", server.ConnectString, "create", root);
        var dead = $"127.0.0.1:{ZkMitosis.Testing.FreePorts.Next()}";

        var unreachable = await CliRunner.RunAsync("diff", "--source", server.ConnectString + root, "--target", dead + root);
        var missing = await CliRunner.RunAsync("diff", "--source", server.ConnectString + root + "/nothing", "--target", server.ConnectString + root);

        foreach (var outcome in new[] { unreachable, missing })
        {
            Assert.True(outcome.ExitCode == 1, outcome.ToString());
            Assert.StartsWith("zkmitosis: diff failed: ", outcome.Error, StringComparison.Ordinal);
            Assert.Single(outcome.Error.Trim().Split('\n'));
        }

        Assert.Contains(dead, unreachable.Error, StringComparison.Ordinal);
        Assert.Contains(root + "/nothing does not exist", missing.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ZkGetJson_NullDataIsNull_EmptyDataIsEmpty()
    {
        var root = Root("zknull");
        await using (var client = await ZkMitosis.ZooKeeper.ZooKeeperClient.ConnectAsync(server.ConnectString))
        {
            (await client.MultiAsync([ZkMitosis.ZooKeeper.Op.Create(root, ReadOnlyMemory<byte>.Empty), ZkMitosis.ZooKeeper.Op.CreateWithNullData(root + "/null")])).EnsureCommitted();
        }

        var nullData = await CliRunner.RunAsync("zk", "--connect", server.ConnectString, "--json", "get", root + "/null");
        var empty = await CliRunner.RunAsync("zk", "--connect", server.ConnectString, "--json", "get", root);

        Assert.True(nullData.ExitCode == 0, nullData.ToString());
        using (var json = JsonDocument.Parse(nullData.Output))
        {
            Assert.Equal(JsonValueKind.Null, json.RootElement.GetProperty("data").ValueKind);
        }

        using (var json = JsonDocument.Parse(empty.Output))
        {
            Assert.Equal(string.Empty, json.RootElement.GetProperty("data").GetString());
        }
    }

    /// <summary>A copy refused midway exits 1, prints what the target acknowledged and no catch-up --mtime.</summary>
    [Fact]
    public async Task Copy_RefusedMidway_ExitOne_NoCatchUpTime()
    {
        var root = Root("cfail");
        await using (var client = await ZkMitosis.ZooKeeper.ZooKeeperClient.ConnectAsync(server.ConnectString))
        {
            (await client.MultiAsync([ZkMitosis.ZooKeeper.Op.Create(root, ReadOnlyMemory<byte>.Empty), ZkMitosis.ZooKeeper.Op.Create(root + "/src", ReadOnlyMemory<byte>.Empty), ZkMitosis.ZooKeeper.Op.Create(root + "/src/a", new byte[1]), ZkMitosis.ZooKeeper.Op.Create(root + "/src/z", new byte[1]), ZkMitosis.ZooKeeper.Op.Create(root + "/src/z/child", new byte[1]), ZkMitosis.ZooKeeper.Op.Create(root + "/dst", ReadOnlyMemory<byte>.Empty)])).EnsureCommitted();
            await client.CreateAsync(root + "/dst/z", ReadOnlyMemory<byte>.Empty, acl: [new ZkMitosis.ZooKeeper.ZooKeeperAcl(ZkMitosis.ZooKeeper.ZooKeeperPermissions.All, "ip", "10.255.255.1/32"), new ZkMitosis.ZooKeeper.ZooKeeperAcl(ZkMitosis.ZooKeeper.ZooKeeperPermissions.Read, "world", "anyone")]);
        }

        var copy = await CliRunner.RunAsync("copy", "--source", server.ConnectString + root + "/src", "--target", server.ConnectString + root + "/dst", "--batch-ops", "1", "--in-flight", "1");

        Assert.True(copy.ExitCode == 1, copy.ToString());
        Assert.Contains("created 1,", copy.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("next catch-up", copy.Output, StringComparison.Ordinal);
        Assert.Contains("incomplete", copy.Output, StringComparison.Ordinal);
        Assert.StartsWith("zkmitosis: copy failed: ", copy.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Copy_BatchBytesAboveTheFrameLimit_ExitTwo()
    {
        var outcome = await CliRunner.RunAsync("copy", "--source", server.ConnectString + "/x", "--target", server.ConnectString + "/y", "--batch-bytes", "4194304");

        Assert.True(outcome.ExitCode == 2, outcome.ToString());
        Assert.Contains("--batch-bytes 4194304 is above the servers' frame limit of 1048575 bytes", outcome.Error, StringComparison.Ordinal);
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
