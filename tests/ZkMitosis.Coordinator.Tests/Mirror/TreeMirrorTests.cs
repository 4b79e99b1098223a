using System.Text;
using ZkMitosis.Coordinator.Copy;
using ZkMitosis.Coordinator.Mirror;
using ZkMitosis.ZooKeeper;

namespace ZkMitosis.Coordinator.Tests.Mirror;

/// <summary>The live mirror between two real ZooKeeper 3.8 servers.</summary>
public sealed class TreeMirrorTests(TwoServersFixture servers) : IClassFixture<TwoServersFixture>
{
    // Bounds for a loaded 2-core machine: a mirror that is not stuck is done within seconds.
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(180);

    [Fact]
    public async Task Mirror_WriterChangesEverything_DrainedTargetFaithfullyEqualByEventsAlone_AclOnlyChangesByTheFinalRescan()
    {
        var root = Unique("mirror");
        await using var writerSession = await ConnectAsync(servers.Source);
        var writer = new MirrorWriter(writerSession, root, seed: Environment.TickCount);
        await writer.SeedAsync();
        await writer.RunAsync(100);

        // No periodic re-scan: what the diff finds equal below came through the watch (and the initial copy).
        await using var mirror = TreeMirror.Start(Options(root, TimeSpan.Zero));
        await writer.RunAsync(1_000);
        var written = writerSession.LastZxidSeen;

        await mirror.WaitUntilAppliedAsync(written).WaitAsync(Bound);

        var status = mirror.Status;
        Assert.True(status.AppliedZxid >= written);
        Assert.True(status.EventsApplied > 0, "events applied");
        Assert.Equal(0, status.Rescans);
        Assert.Equal(0, status.Resyncs);
        await AssertEqualAsync(root);

        // setACL alone shows no watch event: the re-scan that StopAfter runs carries it.
        Assert.True(await writer.AclOnlyAsync() > 0);
        var final = await mirror.StopAfterAsync(writerSession.LastZxidSeen).WaitAsync(Bound);
        Assert.Equal(1, final.Rescans);
        Assert.Equal(MirrorPhase.Stopped, final.Phase);
        Assert.Empty(final.Unfaithful);
        await AssertEqualAsync(root);
    }

    [Fact]
    public async Task Mirror_SourceSessionExpires_ResynchronisesByRescanAndSaysSo()
    {
        var root = Unique("expiry");
        await using var writerSession = await ConnectAsync(servers.Source);
        var writer = new MirrorWriter(writerSession, root, seed: Environment.TickCount);
        await writer.SeedAsync();
        await using var mirror = TreeMirror.Start(Options(root, TimeSpan.Zero));
        await writer.RunAsync(50);
        await mirror.WaitUntilAppliedAsync(writerSession.LastZxidSeen).WaitAsync(Bound);
        var expired = mirror.SourceSession!;

        // Changes made while another connection holds the session: the mirror's watch never sees them (ZooKeeper
        // replays no persistent-watch event), so only the resynchronising re-scan can carry them.
        await ExpireAsync(expired, () => writer.RunAsync(100));
        await writer.RunAsync(100);
        var final = await mirror.StopAfterAsync(writerSession.LastZxidSeen).WaitAsync(Bound);

        Assert.True(final.Resyncs >= 1, "resynchronised");
        Assert.Contains("expired", final.LastResyncReason);
        Assert.NotSame(expired, mirror.SourceSession);
        await AssertEqualAsync(root);
    }

    [Fact]
    public async Task Mirror_AclOnlyChange_RepairedByThePeriodicRescan_WithoutStopping()
    {
        var root = Unique("rescan");
        await using var writerSession = await ConnectAsync(servers.Source);
        var writer = new MirrorWriter(writerSession, root, seed: Environment.TickCount);
        await writer.SeedAsync();
        await writer.RunAsync(50);
        await using var mirror = TreeMirror.Start(Options(root, TimeSpan.FromSeconds(1)));
        await mirror.WaitUntilAppliedAsync(writerSession.LastZxidSeen).WaitAsync(Bound);

        // setACL alone: the watch shows nothing, and nothing stops the mirror (no StopAfter and its last re-scan).
        Assert.True(await writer.AclOnlyAsync() > 0);
        var rescansBefore = mirror.Status.Rescans;
        var deadline = DateTime.UtcNow + Bound;
        while (mirror.Status.Rescans < rescansBefore + 2 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }

        // Two re-scans completed since the change: at least one started after it.
        Assert.True(mirror.Status.Rescans >= rescansBefore + 2, $"re-scans: {mirror.Status.Rescans}");
        Assert.NotEqual(MirrorPhase.Stopped, mirror.Status.Phase);
        await AssertEqualAsync(root);
    }

    private MirrorOptions Options(string root, TimeSpan rescan) => new()
    {
        Source = TreeLocation.Parse(servers.Source + root),
        Target = TreeLocation.Parse(servers.Target + root + "-copy"),
        RescanInterval = rescan,
        SourceAuth = MirrorWriter.Auth,
        TargetAuth = MirrorWriter.Auth,
    };

    private async Task AssertEqualAsync(string root)
    {
        var diff = await TreeDiffer.DiffAsync(new DiffOptions
        {
            Source = TreeLocation.Parse(servers.Source + root),
            Target = TreeLocation.Parse(servers.Target + root + "-copy"),
            Faithful = true,
            SourceAuth = MirrorWriter.Auth,
            TargetAuth = MirrorWriter.Auth,
        });
        Assert.True(diff.Equal, $"{diff.DifferenceCount} differences: {string.Join("; ", diff.Differences.Take(20).Select(d => $"{d.Kind} {d.Path} {d.Detail}"))}");
        Assert.True(diff.Compared > 5);
    }

    /// <summary>
    /// Ends a session from the server side: another connection resumes it (<paramref name="whileTakenOver"/> runs
    /// then, the owner's connection dropped) and closes it. The owner may take the
    /// session back in between (it reconnects at once), so this repeats until the server no longer knows it.
    /// </summary>
    private async Task ExpireAsync(ZooKeeperClient owner, Func<Task> whileTakenOver)
    {
        var deadline = DateTime.UtcNow + Bound;
        var first = true;
        while (DateTime.UtcNow < deadline)
        {
            ZooKeeperClient twin;
            try
            {
                twin = await ZooKeeperClient.ConnectAsync(servers.Source, new ZooKeeperClientOptions { SessionId = owner.SessionId, SessionPassword = owner.SessionPassword });
            }
            catch (KeeperException e) when (e.Code == KeeperErrorCode.SessionExpired)
            {
                return;
            }

            if (first)
            {
                await whileTakenOver();
                first = false;
            }

            await twin.CloseAsync();
        }

        throw new TimeoutException("the mirror's source session did not end");
    }

    private static async Task<ZooKeeperClient> ConnectAsync(string hosts)
    {
        var client = await ZooKeeperClient.ConnectAsync(hosts, new ZooKeeperClientOptions { RequestTimeout = TimeSpan.FromSeconds(30) });
        await client.AddAuthAsync("digest", Encoding.UTF8.GetBytes($"{MirrorWriter.User}:{MirrorWriter.Password}"));
        return client;
    }

    private static string Unique(string name) => $"/{name}-{Guid.NewGuid():N}"[..(name.Length + 10)];
}
