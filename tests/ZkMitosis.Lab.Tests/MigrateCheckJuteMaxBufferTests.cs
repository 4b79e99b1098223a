using Xunit.Abstractions;
using ZkMitosis.Lab.Network;
using ZkMitosis.ZooKeeper;

namespace ZkMitosis.Lab.Tests;

/// <summary>
/// <c>migrate check</c> reads <c>jute.maxbuffer</c> on both sides from real servers: a source started with
/// <c>-Djute.maxbuffer=4194304</c> (read by its agent from the running JVM's command line), one destination node that
/// sets nothing (ZooKeeper's default) and one that sets the source's value (both read from their service environment
/// while stopped). A 1.5 MiB znode in the chroot then fits the source and not the default.
/// </summary>
[Collection(LabCollection.Name)]
public sealed class MigrateCheckJuteMaxBufferTests(ITestOutputHelper log)
{
    private const int SourceJuteMaxBuffer = 4 * 1024 * 1024;
    private const int LargeZnodeBytes = 3 * 512 * 1024;

    [Fact]
    public async Task Check_DestinationBelowSourceAndZnodeAboveIt_ReportsBothWithTheirSources()
    {
        LabRequirements.EnsureRootAndZooKeeper();
        var large = new Dictionary<string, string> { ["jute.maxbuffer"] = SourceJuteMaxBuffer.ToString(System.Globalization.CultureInfo.InvariantCulture) };
        var spec = await LabTestSpecs.CreateAsync(source: 1, destination: 2, brokers: 1, agents: true, populate: true) with { SourceSystemProperties = large };
        await using var lab = await LabCluster.UpAsync(spec);
        var source = lab.Host("zk1");
        var belowSource = lab.Host("zk2");
        var likeSource = lab.Host("zk3");
        // The lab writes one service environment per host: give the second destination node the source's value.
        var environment = likeSource.Layout.ServiceEnvironment(Hosts.HostLayout.ZooKeeperService);
        await File.WriteAllTextAsync(environment, (await File.ReadAllTextAsync(environment)).Replace("'-cp'", $"'-Djute.maxbuffer={SourceJuteMaxBuffer}' '-cp'", StringComparison.Ordinal));

        var before = await MigrateCheckRunner.RunAsync(lab, log);
        Assert.Contains(Problems(before), p => p.StartsWith($"  - destination server {belowSource.ServerId} ({belowSource.Address}): jute.maxbuffer is 1048575 bytes (ZooKeeper's default (ZooKeeper stopped, not set in ", StringComparison.Ordinal)
            && p.Contains($"below source server {source.ServerId} ({source.Address})'s 4194304 bytes (4.0 MiB) (command line of pid ", StringComparison.Ordinal));
        Assert.DoesNotContain(Problems(before), p => p.Contains($"destination server {likeSource.ServerId} ", StringComparison.Ordinal) && p.Contains("jute.maxbuffer", StringComparison.Ordinal));
        Assert.DoesNotContain(Problems(before), p => p.Contains("but znode", StringComparison.Ordinal) || p.StartsWith("  - chroot:", StringComparison.Ordinal));

        var path = lab.Manifest.Chroot + "/large-znode";
        await using (var client = await ZooKeeperClient.ConnectAsync(lab.SourceConnectString, new ZooKeeperClientOptions { MaxFrameBytes = SourceJuteMaxBuffer }))
        {
            await client.CreateAsync(path, new byte[LargeZnodeBytes], CreateMode.Persistent);
        }

        var after = await MigrateCheckRunner.RunAsync(lab, log);
        Assert.Equal(1, after.ExitCode);
        Assert.Contains(Problems(after), p => p.StartsWith($"  - destination server {belowSource.ServerId} ({belowSource.Address}): jute.maxbuffer is 1048575 bytes", StringComparison.Ordinal)
            && p.Contains($"but znode {path} holds 1572864 bytes (1.5 MiB) of data", StringComparison.Ordinal));
        Assert.DoesNotContain(Problems(after), p => p.Contains($"destination server {likeSource.ServerId} ", StringComparison.Ordinal) && p.Contains("jute.maxbuffer", StringComparison.Ordinal));
        Assert.DoesNotContain(Problems(after), p => p.Contains($"chroot: reading znode {path}", StringComparison.Ordinal));
    }

    /// <summary>The lines of the "Problems:" section (the notes that follow are not problems).</summary>
    private static List<string> Problems(CommandResult outcome) =>
        outcome.StandardOutput.Split('\n').SkipWhile(l => l != "Problems:").Skip(1).TakeWhile(l => l.StartsWith("  - ", StringComparison.Ordinal)).ToList();
}
