using ZkMitosis.Coordinator.Copy;
using ZkMitosis.Testing;
using ZkMitosis.ZooKeeper;
using static ZkMitosis.Coordinator.Tests.Copy.CopyTestTree;

namespace ZkMitosis.Coordinator.Tests.Copy;

public sealed class TreeCopierTests(StandaloneZooKeeperFixture server) : IClassFixture<StandaloneZooKeeperFixture>, IAsyncLifetime
{
    private ZooKeeperClient _client = null!;

    public async Task InitializeAsync() => _client = await ZooKeeperClient.ConnectAsync(server.ConnectString);

    public async Task DisposeAsync() => await _client.DisposeAsync();

    private CopyOptions Options(string source, string target) => new()
    {
        Source = TreeLocation.Parse(server.ConnectString + source),
        Target = TreeLocation.Parse(server.ConnectString + target),
    };

    private DiffOptions Diff(string source, string target, bool faithful = false) => new()
    {
        Source = TreeLocation.Parse(server.ConnectString + source),
        Target = TreeLocation.Parse(server.ConnectString + target),
        Faithful = faithful,
    };

    [Theory]
    [InlineData(ReadPath.MultiRead)]
    [InlineData(ReadPath.PerOp)]
    public async Task CopyAsync_KafkaShapedTree_TargetEqualsSourceByDiffAndByAnIndependentReader(ReadPath readPath)
    {
        var root = UniqueRoot("kafka");
        var count = await KafkaShapedTree.CreateAsync(_client, root + "/src", 2_000);

        var summary = await TreeCopier.CopyAsync(Options(root + "/src", root + "/dst") with { ReadPath = readPath, ReadChunk = 50 });

        Assert.Equal(count, summary.SourceNodes);
        Assert.Equal(count, summary.Created);
        Assert.Equal(0, summary.Unchanged);
        Assert.True((await TreeDiffer.DiffAsync(Diff(root + "/src", root + "/dst") with { ReadPath = readPath })).Equal);
        IndependentReader.AssertSameContent(
            await IndependentReader.ReadTreeAsync(_client, root + "/src"),
            await IndependentReader.ReadTreeAsync(_client, root + "/dst"));
    }

    [Fact]
    public async Task CopyAsync_Rerun_ChangesNothing()
    {
        var root = UniqueRoot("rerun");
        var count = await KafkaShapedTree.CreateAsync(_client, root + "/src", 300);
        await TreeCopier.CopyAsync(Options(root + "/src", root + "/dst"));

        var again = await TreeCopier.CopyAsync(Options(root + "/src", root + "/dst"));

        Assert.Equal(0, again.Changes);
        Assert.Equal(count, again.Unchanged);
    }

    [Fact]
    public async Task CopyAsync_ModifiedSince_WritesOnlyZnodesChangedAtOrAfterT()
    {
        var root = UniqueRoot("mtime");
        await KafkaShapedTree.CreateAsync(_client, root + "/src", 300);

        // The tree was written by a few multis, so its znodes share an mtime or two; a later marker makes T later than all of them.
        await Task.Delay(20);
        await CreateAsync(_client, root + "/src/marker", "m");
        var first = await TreeCopier.CopyAsync(Options(root + "/src", root + "/dst"));
        Assert.Equal((await _client.ExistsAsync(root + "/src/marker"))!.Mtime, first.NextModifiedSince);
        Assert.True(first.NextModifiedSinceExact);

        await Task.Delay(20); // a later millisecond than anything copied
        await _client.SetDataAsync(root + "/src/controller_epoch", Bytes("8"));
        await CreateAsync(_client, root + "/src/brokers/topics/new-topic", "{}");
        // Changed behind the copy's back on the target: an old node is not rewritten by a catch-up copy.
        await _client.SetDataAsync(root + "/dst/brokers/seqid", Bytes("tampered"));

        var actions = new List<CopyAction>();
        var catchUp = await TreeCopier.CopyAsync(Options(root + "/src", root + "/dst") with { ModifiedSince = first.NextModifiedSince }, onAction: actions.Add);

        Assert.True(catchUp.Created == 1, string.Join(", ", actions));
        Assert.Equal(1, catchUp.DataUpdated);
        Assert.True(catchUp.SkippedOlder > 250, $"only {catchUp.SkippedOlder} znodes skipped");
        Assert.Equal("8", System.Text.Encoding.UTF8.GetString((await _client.GetDataAsync(root + "/dst/controller_epoch")).Data));
        Assert.NotNull(await _client.ExistsAsync(root + "/dst/brokers/topics/new-topic"));
        Assert.Equal("tampered", System.Text.Encoding.UTF8.GetString((await _client.GetDataAsync(root + "/dst/brokers/seqid")).Data));
        Assert.True(catchUp.NextModifiedSince >= first.NextModifiedSince);
    }

    [Fact]
    public async Task CopyAsync_ModifiedSince_CopiesAnAclChangeThatLeftMtimeAlone()
    {
        var root = UniqueRoot("mtacl");
        await CreateAsync(_client, root + "/src/a", "a");
        await CreateAsync(_client, root + "/src/b", "b");
        var first = await TreeCopier.CopyAsync(Options(root + "/src", root + "/dst"));
        await Task.Delay(20);
        await CreateAsync(_client, root + "/src/later", "l");
        var since = (await _client.ExistsAsync(root + "/src/later"))!.Mtime;
        IReadOnlyList<ZooKeeperAcl> readOnly = [new ZooKeeperAcl(ZooKeeperPermissions.Read | ZooKeeperPermissions.Admin, "world", "anyone")];
        var mtime = (await _client.ExistsAsync(root + "/src/a"))!.Mtime;
        await _client.SetAclAsync(root + "/src/a", readOnly);
        Assert.Equal(mtime, (await _client.ExistsAsync(root + "/src/a"))!.Mtime);

        var catchUp = await TreeCopier.CopyAsync(Options(root + "/src", root + "/dst") with { ModifiedSince = since });

        Assert.Equal(1, catchUp.AclUpdated);
        Assert.Equal(1, catchUp.Created);
        Assert.Equal(readOnly, (await _client.GetAclAsync(root + "/dst/a")).Acl);
        Assert.True(first.Created >= 2);
    }

    [Fact]
    public async Task CopyAsync_ModifiedSinceEqualToAnMtime_IsInclusive()
    {
        var root = UniqueRoot("incl");
        await CreateAsync(_client, root + "/src/a", "1");
        await TreeCopier.CopyAsync(Options(root + "/src", root + "/dst"));
        await Task.Delay(20);
        await CreateAsync(_client, root + "/src/b", "2");
        var mtime = (await _client.ExistsAsync(root + "/src/b"))!.Mtime;

        var summary = await TreeCopier.CopyAsync(Options(root + "/src", root + "/dst") with { ModifiedSince = mtime });

        Assert.Equal(1, summary.Created);
        Assert.Equal(2, summary.SkippedOlder);
        Assert.NotNull(await _client.ExistsAsync(root + "/dst/b"));
        Assert.Equal(mtime, summary.NextModifiedSince);
    }

    [Fact]
    public async Task CopyAsync_ExtraTargetZnodes_LeftAndListedWithoutDelete_RemovedWithDelete()
    {
        var root = UniqueRoot("extra");
        await CreateAsync(_client, root + "/src/keep", "k");
        await CreateAsync(_client, root + "/dst/keep", "k");
        await CreateAsync(_client, root + "/dst/extra/deep/deeper", "x");

        var kept = await TreeCopier.CopyAsync(Options(root + "/src", root + "/dst"));
        Assert.Equal(1, kept.ExtraOnTarget);
        Assert.Equal([root + "/dst/extra"], kept.ExtraPaths);
        Assert.NotNull(await _client.ExistsAsync(root + "/dst/extra/deep/deeper"));

        var deleted = await TreeCopier.CopyAsync(Options(root + "/src", root + "/dst") with { Delete = true });
        Assert.Equal(3, deleted.Deleted);
        Assert.Null(await _client.ExistsAsync(root + "/dst/extra"));
        Assert.True((await TreeDiffer.DiffAsync(Diff(root + "/src", root + "/dst"))).Equal);
    }

    [Fact]
    public async Task CopyAsync_AclsAndCredentials_AclsCopied()
    {
        var root = UniqueRoot("acl");
        IReadOnlyList<ZooKeeperAcl> acl = [ZooKeeperAcl.Digest("kafka", "secret", ZooKeeperPermissions.All), new ZooKeeperAcl(ZooKeeperPermissions.Read, "world", "anyone")];
        await CreateAsync(_client, root + "/src/open", "o");
        await _client.CreateAsync(root + "/src/locked", Bytes("l"), acl: acl);
        await using (var kafka = await ZooKeeperClient.ConnectAsync(server.ConnectString))
        {
            await kafka.AddAuthAsync("digest", Bytes("kafka:secret"));
            await kafka.CreateAsync(root + "/src/locked/child", Bytes("c"), acl: acl);
        }

        await TreeCopier.CopyAsync(Options(root + "/src", root + "/dst") with { SourceAuth = "digest:kafka:secret", TargetAuth = "digest:kafka:secret" });

        // Without ADMIN the server would show the digest id as kafka:x.
        await using var admin = await ZooKeeperClient.ConnectAsync(server.ConnectString);
        await admin.AddAuthAsync("digest", Bytes("kafka:secret"));
        var copied = await admin.GetAclAsync(root + "/dst/locked/child");
        Assert.Equal(acl.OrderBy(a => a.Scheme), copied.Acl.OrderBy(a => a.Scheme));
        Assert.True((await TreeDiffer.DiffAsync(Diff(root + "/src", root + "/dst") with { SourceAuth = "digest:kafka:secret", TargetAuth = "digest:kafka:secret" })).Equal);
    }

    [Fact]
    public async Task CopyAsync_DigestAclWithoutAdmin_FailsInsteadOfCopyingAMaskedAcl()
    {
        var root = UniqueRoot("masked");
        await CreateAsync(_client, root + "/src");
        await _client.CreateAsync(root + "/src/guarded", Bytes("g"), acl: [ZooKeeperAcl.Digest("kafka", "secret", ZooKeeperPermissions.All), new ZooKeeperAcl(ZooKeeperPermissions.Read, "world", "anyone")]);

        var failure = await Assert.ThrowsAsync<CopyFailedException>(() => TreeCopier.CopyAsync(Options(root + "/src", root + "/dst")));

        Assert.Equal(root + "/src/guarded", failure.Path);
        Assert.Contains("--source-auth", failure.Message, StringComparison.Ordinal);
        Assert.Null(await _client.ExistsAsync(root + "/dst/guarded"));
    }

    [Fact]
    public async Task CopyAsync_UnreadableSourceZnode_FailsNamingThePathAndCode()
    {
        var root = UniqueRoot("noauth");
        await CreateAsync(_client, root + "/src/fine", "f");
        await _client.CreateAsync(root + "/src/secret", Bytes("s"), acl: [ZooKeeperAcl.Digest("kafka", "secret", ZooKeeperPermissions.All)]);

        var failure = await Assert.ThrowsAsync<CopyFailedException>(() => TreeCopier.CopyAsync(Options(root + "/src", root + "/dst")));

        Assert.Equal(root + "/src/secret", failure.Path);
        Assert.Equal(KeeperErrorCode.NoAuth, failure.Code);
        Assert.Contains(root + "/src/secret", failure.Message, StringComparison.Ordinal);
        Assert.Contains("source", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CopyAsync_RefusedBatch_FailsNamingThePath_ThenRerunWithCredentialsConverges()
    {
        var root = UniqueRoot("refused");
        await CreateAsync(_client, root + "/src/a/child", "c");
        await CreateAsync(_client, root + "/dst");
        await _client.CreateAsync(root + "/dst/a", Bytes(string.Empty), acl: [ZooKeeperAcl.Digest("owner", "pw", ZooKeeperPermissions.All)]);

        var failure = await Assert.ThrowsAsync<CopyFailedException>(() => TreeCopier.CopyAsync(Options(root + "/src", root + "/dst")));
        Assert.Equal(KeeperErrorCode.NoAuth, failure.Code);
        Assert.StartsWith(root + "/dst/a", failure.Path, StringComparison.Ordinal);
        Assert.Null(await _client.ExistsAsync(root + "/dst/a/child"));

        await TreeCopier.CopyAsync(Options(root + "/src", root + "/dst") with { TargetAuth = "digest:owner:pw" });

        Assert.True((await TreeDiffer.DiffAsync(Diff(root + "/src", root + "/dst"))).Equal);
    }

    [Fact]
    public async Task CopyAsync_InterruptedThenRerun_Converges()
    {
        var root = UniqueRoot("interrupt");
        await KafkaShapedTree.CreateAsync(_client, root + "/src", 3_000);
        var progress = new CopyProgress();
        using var stop = new CancellationTokenSource();
        var copy = TreeCopier.CopyAsync(Options(root + "/src", root + "/dst") with { ReadChunk = 20, ReadsInFlight = 1, MaxBatchOps = 50, BatchesInFlight = 1 }, progress, cancellationToken: stop.Token);
        while (progress.Written < 200 && !copy.IsCompleted)
        {
            await Task.Delay(5);
        }

        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => copy);
        Assert.False((await TreeDiffer.DiffAsync(Diff(root + "/src", root + "/dst"))).Equal);

        var rerun = await TreeCopier.CopyAsync(Options(root + "/src", root + "/dst"));

        Assert.True(rerun.Unchanged > 0, "the rerun found nothing already copied");
        Assert.True((await TreeDiffer.DiffAsync(Diff(root + "/src", root + "/dst"))).Equal);
    }

    [Fact]
    public async Task CopyAsync_LargeZnodes_BatchesStayUnderTheRequestLimit()
    {
        var root = UniqueRoot("large");
        var tenKb = new string('x', 10 * 1024);
        await CreateAsync(_client, root + "/src");
        for (var i = 0; i < 300; i += 50)
        {
            (await _client.MultiAsync([.. Enumerable.Range(i, 50).Select(n => Op.Create($"{root}/src/n{n}", Bytes(tenKb)))])).EnsureCommitted();
        }

        var summary = await TreeCopier.CopyAsync(Options(root + "/src", root + "/dst"));

        Assert.Equal(301, summary.Created);
        Assert.True(summary.Batches >= 6, $"{summary.Batches} batches for 3 MB");
        Assert.True((await TreeDiffer.DiffAsync(Diff(root + "/src", root + "/dst"))).Equal);
    }

    [Fact]
    public async Task CopyAsync_Ephemerals_SkippedAndListed()
    {
        var root = UniqueRoot("eph");
        await CreateAsync(_client, root + "/src/brokers/ids");
        await _client.CreateAsync(root + "/src/brokers/ids/1", Bytes("{}"), CreateMode.Ephemeral);

        var summary = await TreeCopier.CopyAsync(Options(root + "/src", root + "/dst"));

        Assert.Equal(1, summary.Ephemerals);
        Assert.Equal([root + "/src/brokers/ids/1"], summary.EphemeralPaths);
        Assert.NotNull(await _client.ExistsAsync(root + "/dst/brokers/ids"));
        Assert.Null(await _client.ExistsAsync(root + "/dst/brokers/ids/1"));
        Assert.True((await TreeDiffer.DiffAsync(Diff(root + "/src", root + "/dst"))).Equal);
    }

    [Fact]
    public async Task CopyAsync_DryRun_WritesNothingAndReportsEveryChange()
    {
        var root = UniqueRoot("dry");
        await CreateAsync(_client, root + "/src/a", "new");
        await CreateAsync(_client, root + "/src/b", "b");
        await CreateAsync(_client, root + "/dst/a", "old");
        await CreateAsync(_client, root + "/dst/gone", "g");
        var actions = new List<CopyAction>();

        var summary = await TreeCopier.CopyAsync(Options(root + "/src", root + "/dst") with { DryRun = true, Delete = true }, onAction: actions.Add);

        Assert.True(summary.DryRun);
        Assert.Contains(new CopyAction(CopyActionKind.Create, root + "/dst/b"), actions);
        Assert.Contains(new CopyAction(CopyActionKind.SetData, root + "/dst/a"), actions);
        Assert.Contains(new CopyAction(CopyActionKind.Delete, root + "/dst/gone"), actions);
        Assert.Equal("old", System.Text.Encoding.UTF8.GetString((await _client.GetDataAsync(root + "/dst/a")).Data));
        Assert.Null(await _client.ExistsAsync(root + "/dst/b"));
        Assert.NotNull(await _client.ExistsAsync(root + "/dst/gone"));
    }

    [Fact]
    public async Task CopyAsync_Faithful_DataVersionsAndNextSequentialNamesMatch()
    {
        var root = UniqueRoot("faithful");
        await CreateAsync(_client, root + "/src/brokers/seqid");
        for (var i = 0; i < 5; i++)
        {
            await _client.SetDataAsync(root + "/src/brokers/seqid", Bytes(string.Empty));
        }

        await CreateAsync(_client, root + "/src/config/changes");
        var names = new List<string>();
        for (var i = 0; i < 7; i++)
        {
            names.Add(await _client.CreateAsync(root + "/src/config/changes/config_change_", Bytes("{}"), CreateMode.PersistentSequential));
        }

        foreach (var name in names.Take(4))
        {
            await _client.DeleteAsync(name);
        }

        var plain = await TreeCopier.CopyAsync(Options(root + "/src", root + "/dst"));
        Assert.False((await TreeDiffer.DiffAsync(Diff(root + "/src", root + "/dst", faithful: true))).Equal);
        Assert.Equal(0, plain.VersionBumps);

        var faithful = await TreeCopier.CopyAsync(Options(root + "/src", root + "/dst") with { Faithful = true });

        Assert.Equal(5, faithful.VersionBumps);
        Assert.Equal(4, faithful.SequenceBumps);
        Assert.Empty(faithful.Unfaithful);
        Assert.True((await TreeDiffer.DiffAsync(Diff(root + "/src", root + "/dst", faithful: true))).Equal);
        Assert.Equal(5, (await _client.ExistsAsync(root + "/dst/brokers/seqid"))!.Version);
        var nextOnSource = await _client.CreateAsync(root + "/src/config/changes/config_change_", Bytes("{}"), CreateMode.PersistentSequential);
        var nextOnTarget = await _client.CreateAsync(root + "/dst/config/changes/config_change_", Bytes("{}"), CreateMode.PersistentSequential);
        Assert.Equal(nextOnSource[(root.Length + 4)..], nextOnTarget[(root.Length + 4)..]);
        Assert.EndsWith("0000000007", nextOnTarget, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CopyAsync_SourceMissing_FailsNamingThePath()
    {
        var root = UniqueRoot("missing");

        var failure = await Assert.ThrowsAsync<CopyFailedException>(() => TreeCopier.CopyAsync(Options(root + "/nothing", root + "/dst")));

        Assert.Equal(root + "/nothing", failure.Path);
        Assert.Contains("does not exist", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CopyAsync_UnreachableTarget_FailsNamingTheHosts()
    {
        var root = UniqueRoot("unreach");
        await CreateAsync(_client, root + "/src/a");
        var port = ZkMitosis.Testing.FreePorts.Next();

        var failure = await Assert.ThrowsAnyAsync<CopyException>(() => TreeCopier.CopyAsync(Options(root + "/src", root + "/dst") with
        {
            Target = TreeLocation.Parse($"127.0.0.1:{port}/dst"),
        }));

        Assert.Contains($"127.0.0.1:{port}", failure.Message, StringComparison.Ordinal);
        Assert.StartsWith("target", failure.Message, StringComparison.Ordinal);
    }
}
