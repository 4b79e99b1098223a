using ZkMitosis.Coordinator.Stress;
using ZkMitosis.Testing;
using ZkMitosis.ZooKeeper;

namespace ZkMitosis.Coordinator.Tests.Stress;

public sealed class StressWorkloadTests(StandaloneZooKeeperFixture server) : IClassFixture<StandaloneZooKeeperFixture>
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task StopAsync_AfterWriting_EveryAcknowledgedWriteIsPresentAndNoSessionExpired()
    {
        using var timeout = new CancellationTokenSource(Bound);
        var options = new StressOptions { ConnectString = server.ConnectString, BasePath = "/stress-basic", Sessions = 4, WriteInterval = TimeSpan.FromMilliseconds(5) };
        var workload = await StressWorkload.StartAsync(options, timeout.Token);
        StressResult result;
        await using (workload)
        {
            await WaitUntilAsync(async () => await CountWritesAsync(workload.RunPath) >= 40, timeout.Token);
            result = await workload.StopAsync();
        }

        Assert.Equal(4, result.Sessions.Count);
        Assert.All(result.Sessions, s =>
        {
            Assert.True(s.LastAcknowledgedSerial > 0, $"session {s.Index} acknowledged nothing");
            Assert.Equal(0, s.Expiries);
            Assert.True(s.EphemeralHeldAtStop, $"session {s.Index} lost its ephemeral");
            Assert.Single(s.SessionIds);
        });
        Assert.True(result.LongestGapMs > 0);

        var verdict = await StressWorkload.VerifyAsync(server.ConnectString, result, timeout.Token);
        Assert.True(verdict.Passed, string.Join(", ", verdict.MissingPaths));
        Assert.Equal(result.AcknowledgedWrites, verdict.CheckedWrites);

        // An independent reader: each session's children are exactly its acknowledged serials, perhaps plus
        // one whose acknowledgement the stop cut off.
        await using var reader = await ZooKeeperClient.ConnectAsync(server.ConnectString);
        foreach (var session in result.Sessions)
        {
            var children = (await reader.GetChildrenAsync(session.WritesPath)).Children;
            Assert.InRange(children.Count, session.LastAcknowledgedSerial, session.LastAcknowledgedSerial + 1);
            Assert.Contains($"w{session.LastAcknowledgedSerial:D10}", children);
        }

        // The sessions are closed, so their ephemerals are gone.
        Assert.Null(await reader.ExistsAsync(result.Sessions[0].EphemeralPath));
    }

    [Fact]
    public async Task VerifyAsync_AcknowledgedWriteDeleted_FailsNamingThePath()
    {
        using var timeout = new CancellationTokenSource(Bound);
        var options = new StressOptions { ConnectString = server.ConnectString, BasePath = "/stress-missing", Sessions = 2, WriteInterval = TimeSpan.FromMilliseconds(5) };
        var workload = await StressWorkload.StartAsync(options, timeout.Token);
        StressResult result;
        await using (workload)
        {
            await WaitUntilAsync(async () => await CountWritesAsync(workload.RunPath) >= 10, timeout.Token);
            result = await workload.StopAsync();
        }

        var victim = result.Sessions[1].WritePath(2);
        await using (var client = await ZooKeeperClient.ConnectAsync(server.ConnectString))
        {
            await client.DeleteAsync(victim);
        }

        var verdict = await StressWorkload.VerifyAsync(server.ConnectString, result, timeout.Token);

        Assert.False(verdict.Passed);
        Assert.False(verdict.AllWritesPresent);
        Assert.Equal(1, verdict.MissingWrites);
        Assert.Equal([victim], verdict.MissingPaths);
        Assert.Equal(1, verdict.Sessions[1].MissingWrites);
    }

    [Fact]
    public async Task StartAsync_WithChroot_WritesUnderTheChrootAndVerifiesThroughIt()
    {
        using var timeout = new CancellationTokenSource(Bound);
        await using (var setup = await ZooKeeperClient.ConnectAsync(server.ConnectString))
        {
            try
            {
                await setup.CreateAsync("/tenant", ReadOnlyMemory<byte>.Empty);
            }
            catch (KeeperException e) when (e.Code == KeeperErrorCode.NodeExists)
            {
            }
        }

        var options = new StressOptions { ConnectString = server.ConnectString + "/tenant", Sessions = 2, WriteInterval = TimeSpan.FromMilliseconds(5) };
        var workload = await StressWorkload.StartAsync(options, timeout.Token);
        StressResult result;
        await using (workload)
        {
            await WaitUntilAsync(async () => await CountWritesAsync("/tenant" + workload.RunPath) >= 6, timeout.Token);
            result = await workload.StopAsync();
        }

        Assert.Equal("/tenant", result.Chroot);
        Assert.StartsWith("/zkmitosis-stress/run-", result.RunPath, StringComparison.Ordinal);

        // Without a chroot of its own, verification uses the run's.
        var verdict = await StressWorkload.VerifyAsync(server.ConnectString, result, timeout.Token);
        Assert.True(verdict.Passed);
        Assert.True(verdict.CheckedWrites >= 6);
    }

    private async Task<long> CountWritesAsync(string runPath)
    {
        await using var client = await ZooKeeperClient.ConnectAsync(server.ConnectString);
        long total = 0;
        foreach (var child in (await client.GetChildrenAsync(runPath)).Children.Where(c => c.StartsWith('s')))
        {
            total += (await client.GetChildrenAsync($"{runPath}/{child}")).Stat.NumChildren;
        }

        return total;
    }

    internal static async Task WaitUntilAsync(Func<Task<bool>> condition, CancellationToken cancellationToken)
    {
        while (!await condition())
        {
            await Task.Delay(50, cancellationToken);
        }
    }
}
