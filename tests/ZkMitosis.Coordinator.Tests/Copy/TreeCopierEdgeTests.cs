using System.Text;
using ZkMitosis.Coordinator.Copy;
using ZkMitosis.Testing;
using ZkMitosis.ZooKeeper;
using static ZkMitosis.Coordinator.Tests.Copy.CopyTestTree;

namespace ZkMitosis.Coordinator.Tests.Copy;

/// <summary>
/// Trees as production ensembles hold them (issue 12, "Trees"): null data, znodes at the frame limit, long names,
/// ACLs that lock the copier out, ephemerals on the target, copies that fail midway. Each copy is checked by an
/// independent reading of both trees.
/// </summary>
public sealed class TreeCopierEdgeTests(StandaloneZooKeeperFixture server) : IClassFixture<StandaloneZooKeeperFixture>, IAsyncLifetime
{
    private ZooKeeperClient _client = null!;

    public async Task InitializeAsync() => _client = await ZooKeeperClient.ConnectAsync(server.ConnectString, new ZooKeeperClientOptions { MaxReplyFrameBytes = 4 << 20, RequestTimeout = TimeSpan.FromSeconds(30) });

    public async Task DisposeAsync() => await _client.DisposeAsync();

    private CopyOptions Options(string source, string target) => new()
    {
        Source = TreeLocation.Parse(server.ConnectString + source),
        Target = TreeLocation.Parse(server.ConnectString + target),
    };

    private DiffOptions Diff(string source, string target) => new()
    {
        Source = TreeLocation.Parse(server.ConnectString + source),
        Target = TreeLocation.Parse(server.ConnectString + target),
    };

    private async Task AssertSameTreesAsync(string source, string target, ZooKeeperClient? reader = null) =>
        IndependentReader.AssertSameContent(
            await IndependentReader.ReadTreeAsync(reader ?? _client, source),
            await IndependentReader.ReadTreeAsync(reader ?? _client, target));

    [Theory]
    [InlineData(ReadPath.MultiRead)]
    [InlineData(ReadPath.PerOp)]
    public async Task CopyAndDiff_NullData_StaysNullAndEmptyStaysEmpty(ReadPath readPath)
    {
        var root = UniqueRoot("null");
        await CreateAsync(_client, root + "/src/text", "t");
        (await _client.MultiAsync(
        [
            Op.CreateWithNullData(root + "/src/null"),
            Op.CreateWithNullData(root + "/src/null/kid"),
            Op.Create(root + "/src/empty", ReadOnlyMemory<byte>.Empty),
            Op.Create(root + "/src/was-null", ReadOnlyMemory<byte>.Empty),
            Op.Create(root + "/dst", ReadOnlyMemory<byte>.Empty),
            Op.CreateWithNullData(root + "/dst/was-null"),
        ])).EnsureCommitted();

        var before = await TreeDiffer.DiffAsync(Diff(root + "/src", root + "/dst") with { ReadPath = readPath });
        Assert.Contains(before.Differences, d => d.Kind == DifferenceKind.Data && d.Path == root + "/src/was-null" && d.Detail == "0 bytes on the source, null data on the target");

        var summary = await TreeCopier.CopyAsync(Options(root + "/src", root + "/dst") with { ReadPath = readPath });

        Assert.Equal(1, summary.DataUpdated);
        Assert.Empty(summary.Unfaithful);
        Assert.True((await _client.GetDataAsync(root + "/dst/null")).IsNullData);
        Assert.True((await _client.GetDataAsync(root + "/dst/null/kid")).IsNullData);
        Assert.False((await _client.GetDataAsync(root + "/dst/empty")).IsNullData);
        Assert.False((await _client.GetDataAsync(root + "/dst/was-null")).IsNullData);
        Assert.True((await TreeDiffer.DiffAsync(Diff(root + "/src", root + "/dst") with { ReadPath = readPath })).Equal);
        await AssertSameTreesAsync(root + "/src", root + "/dst");
    }

    [Fact]
    public async Task CopyAndDiff_NullOnTheSourceWhereTheTargetHasDataOrEmptyData_SetToNull()
    {
        var root = UniqueRoot("nullset");
        (await _client.MultiAsync([Op.Create(root, ReadOnlyMemory<byte>.Empty), Op.Create(root + "/src", ReadOnlyMemory<byte>.Empty), Op.CreateWithNullData(root + "/src/n"), Op.CreateWithNullData(root + "/src/m")])).EnsureCommitted();
        await CreateAsync(_client, root + "/dst/n", "old");
        await CreateAsync(_client, root + "/dst/m");
        var before = await TreeDiffer.DiffAsync(Diff(root + "/src", root + "/dst"));
        Assert.Equal(2, before.DifferenceCount);
        Assert.Contains(before.Differences, d => d.Path == root + "/src/m" && d.Detail == "null data on the source, 0 bytes on the target");

        var summary = await TreeCopier.CopyAsync(Options(root + "/src", root + "/dst"));

        Assert.Equal(2, summary.DataUpdated);
        Assert.True((await _client.GetDataAsync(root + "/dst/n")).IsNullData);
        Assert.True((await _client.GetDataAsync(root + "/dst/m")).IsNullData);
        Assert.True((await TreeDiffer.DiffAsync(Diff(root + "/src", root + "/dst"))).Equal);
        await AssertSameTreesAsync(root + "/src", root + "/dst");
    }

    /// <summary>A znode whose plain create is exactly the 0xfffff-byte frame limit: a multi carrying it would be 18 bytes over.</summary>
    [Fact]
    public async Task Copy_ZnodeAtTheFrameLimit_GoesAloneBetweenBatches()
    {
        var root = UniqueRoot("edge");
        await CreateAsync(_client, root + "/src/a", "a");
        await CreateAsync(_client, root + "/src/c", "c");
        var data = new byte[ZooKeeperClientOptions.DefaultMaxFrameBytes - _client.SingleRequestBytes(Op.Create(root + "/dst/b", Array.Empty<byte>()))];
        Random.Shared.NextBytes(data);
        var source = Op.Create(root + "/src/b", data);
        Assert.Equal(ZooKeeperClientOptions.DefaultMaxFrameBytes, _client.SingleRequestBytes(source));
        await _client.SingleAsync(source);

        var summary = await TreeCopier.CopyAsync(Options(root + "/src", root + "/dst"));

        Assert.Equal(4, summary.Created);
        Assert.True(summary.Complete);
        Assert.True((await TreeDiffer.DiffAsync(Diff(root + "/src", root + "/dst"))).Equal);
        await AssertSameTreesAsync(root + "/src", root + "/dst");
    }

    [Fact]
    public async Task Copy_ZnodeLargerThanTheTargetAccepts_FailsNamingThePathAndBothSizes_WithoutSendingIt()
    {
        var root = UniqueRoot("huge");
        await CreateAsync(_client, root + "/src/a", "a");
        await _client.CreateAsync(root + "/src/huge", new byte[300_000]);

        var failure = await Assert.ThrowsAsync<CopyFailedException>(() => TreeCopier.CopyAsync(Options(root + "/src", root + "/dst") with { MaxFrameBytes = 200_000, MaxBatchBytes = 100_000 }));

        Assert.Equal(root + "/dst/huge", failure.Path);
        Assert.Matches($"{root}/dst/huge is too large for the target: its write is 300[0-9]{{3}} bytes on the wire, over the target's frame limit of 200000 bytes", failure.Message);
        Assert.Null(await _client.ExistsAsync(root + "/dst/huge"));
        Assert.Null(failure.Summary.NextModifiedSince);
        Assert.Equal(await CountAsync(root + "/dst"), failure.Summary.Created);
    }

    /// <summary>Issue 12 §9: 200 siblings with 3,000-character names made one 1.2 MB multiRead, refused with "Len error".</summary>
    [Fact]
    public async Task CopyAndDiff_200SiblingsWith3000CharacterNames_ReadInRequestsUnderTheFrameLimit()
    {
        var root = UniqueRoot("names");
        await CreateAsync(_client, root + "/src");
        var names = Enumerable.Range(0, 200).Select(i => i.ToString("D3", System.Globalization.CultureInfo.InvariantCulture) + new string('n', 2_997)).ToList();
        foreach (var chunk in names.Chunk(50))
        {
            (await _client.MultiAsync([.. chunk.Select(n => Op.Create(root + "/src/" + n, Encoding.UTF8.GetBytes(n[..3])))])).EnsureCommitted();
        }

        var summary = await TreeCopier.CopyAsync(Options(root + "/src", root + "/dst"));

        Assert.Equal(201, summary.Created);
        var diff = await TreeDiffer.DiffAsync(Diff(root + "/src", root + "/dst"));
        Assert.True(diff.Equal);
        Assert.Equal(201, diff.Compared);
        await AssertSameTreesAsync(root + "/src", root + "/dst");
    }

    /// <summary>
    /// Issue 12 §10: /foo readable by anyone but writable only by digest foo, with a child; the copier reads the
    /// source as foo and has no (or other) credentials on the target. The parent is created with a grant for
    /// the copier, its children under it, then its own ACL, deepest first.
    /// </summary>
    [Theory]
    [InlineData(null)]
    [InlineData("digest:foo:foo")]
    [InlineData("digest:other:pw")]
    public async Task Copy_RestrictiveAclsAboveChildren_SetOnceTheChildrenExist(string? targetAuth)
    {
        var root = UniqueRoot("lock");
        IReadOnlyList<ZooKeeperAcl> locked = [new ZooKeeperAcl(ZooKeeperPermissions.Read, "world", "anyone"), ZooKeeperAcl.Digest("foo", "foo", ZooKeeperPermissions.All)];
        await CreateAsync(_client, root + "/src");
        await using var foo = await ZooKeeperClient.ConnectAsync(server.ConnectString);
        await foo.AddAuthAsync("digest", Encoding.UTF8.GetBytes("foo:foo"));
        (await foo.MultiAsync(
        [
            Op.Create(root + "/src/foo", Encoding.UTF8.GetBytes("f"), acl: locked),
            Op.Create(root + "/src/foo/z", Encoding.UTF8.GetBytes("z"), acl: locked),
            Op.CreateWithNullData(root + "/src/foo/z/leaf"),
            Op.Create(root + "/src/foo/open", Encoding.UTF8.GetBytes("o")),
        ])).EnsureCommitted();

        var summary = await TreeCopier.CopyAsync(Options(root + "/src", root + "/dst") with { SourceAuth = "digest:foo:foo", TargetAuth = targetAuth });

        Assert.Equal(5, summary.Created);
        Assert.True(summary.Complete);
        Assert.Equal(locked.OrderBy(a => a.Scheme), (await foo.GetAclAsync(root + "/dst/foo")).Acl.OrderBy(a => a.Scheme));
        Assert.Equal(locked.OrderBy(a => a.Scheme), (await foo.GetAclAsync(root + "/dst/foo/z")).Acl.OrderBy(a => a.Scheme));
        await AssertSameTreesAsync(root + "/src", root + "/dst", foo);
        Assert.True((await TreeDiffer.DiffAsync(Diff(root + "/src", root + "/dst") with { SourceAuth = "digest:foo:foo", TargetAuth = "digest:foo:foo" })).Equal);
    }

    [Fact]
    public async Task Copy_TargetPathUnderALockedZnode_NamesTheZnodeAndCredentialsBeforeWritingAnything()
    {
        var root = UniqueRoot("tlock");
        await CreateAsync(_client, root + "/src/a", "a");
        await CreateAsync(_client, root + "/src/b/c", "c");
        IReadOnlyList<ZooKeeperAcl> owner = [ZooKeeperAcl.Digest("owner", "pw", ZooKeeperPermissions.All), new ZooKeeperAcl(ZooKeeperPermissions.Read, "world", "anyone")];
        await _client.CreateAsync(root + "/dst", ReadOnlyMemory<byte>.Empty, acl: owner);
        await _client.CreateAsync(root + "/locked", ReadOnlyMemory<byte>.Empty, acl: owner);

        // The target exists, locked: the first write would be a child of it.
        var existing = await Assert.ThrowsAsync<CopyFailedException>(() => TreeCopier.CopyAsync(Options(root + "/src", root + "/dst")));
        // Without ADMIN the server shows the digest id as owner:x; the user is what the operator needs.
        Assert.Contains($"{root}/dst needs CREATE to create its children: its ACL grants it to digest:owner:", existing.Message, StringComparison.Ordinal);
        Assert.Equal(0, existing.Summary.Created);
        Assert.Empty((await _client.GetChildrenAsync(root + "/dst")).Children);

        // The target does not exist and its deepest existing ancestor is locked.
        var ancestor = await Assert.ThrowsAsync<CopyFailedException>(() => TreeCopier.CopyAsync(Options(root + "/src", root + "/locked/sub/dst")));
        Assert.Contains($"{root}/locked needs CREATE to create {root}/locked/sub/dst under it", ancestor.Message, StringComparison.Ordinal);
        Assert.Equal(root + "/locked", ancestor.Path);
        Assert.Empty((await _client.GetChildrenAsync(root + "/locked")).Children);

        // With the credentials it converges.
        await TreeCopier.CopyAsync(Options(root + "/src", root + "/dst") with { TargetAuth = "digest:owner:pw" });
        Assert.Equal(4, await CountAsync(root + "/dst"));
    }

    [Fact]
    public async Task CopyWithDelete_KeepsTargetEphemeralsOfLiveSessions_AndTheAncestorsThatHoldThem()
    {
        var root = UniqueRoot("teph");
        await CreateAsync(_client, root + "/src/brokers/ids");
        await CreateAsync(_client, root + "/dst/brokers/ids");
        await CreateAsync(_client, root + "/dst/extra/deep/sibling");
        await CreateAsync(_client, root + "/dst/extra/other");
        await CreateAsync(_client, root + "/dst/stale");
        await using var broker = await ZooKeeperClient.ConnectAsync(server.ConnectString);
        await broker.CreateAsync(root + "/dst/brokers/ids/2", Encoding.UTF8.GetBytes("{}"), CreateMode.Ephemeral);
        await broker.CreateAsync(root + "/dst/extra/deep/eph", ReadOnlyMemory<byte>.Empty, CreateMode.Ephemeral);

        var summary = await TreeCopier.CopyAsync(Options(root + "/src", root + "/dst") with { Delete = true });

        Assert.Equal(3, summary.Deleted);
        Assert.Equal(2, summary.TargetEphemeralsKept);
        Assert.Contains(summary.TargetEphemeralsKeptPaths, p => p.StartsWith(root + "/dst/brokers/ids/2 (ephemeral of session 0x" + broker.SessionId.ToString("x", System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal));
        Assert.Equal(broker.SessionId, (await _client.ExistsAsync(root + "/dst/brokers/ids/2"))!.EphemeralOwner);
        Assert.NotNull(await _client.ExistsAsync(root + "/dst/extra/deep/eph"));
        Assert.Null(await _client.ExistsAsync(root + "/dst/extra/deep/sibling"));
        Assert.Null(await _client.ExistsAsync(root + "/dst/extra/other"));
        Assert.Null(await _client.ExistsAsync(root + "/dst/stale"));
        var diff = await TreeDiffer.DiffAsync(Diff(root + "/src", root + "/dst"));
        Assert.Contains(diff.Differences, d => d.Kind == DifferenceKind.ExtraOnTarget && d.Path == root + "/dst/brokers/ids/2" && d.Detail!.StartsWith("ephemeral of session", StringComparison.Ordinal));
    }

    [Fact]
    public async Task CopyAndDiff_PersistentCopyOfASourceEphemeral_AndATargetEphemeralWhereTheSourceIsPersistent_Reported()
    {
        var root = UniqueRoot("peph");
        await CreateAsync(_client, root + "/src/brokers/ids");
        await CreateAsync(_client, root + "/src/controller_epoch", "1");
        await CreateAsync(_client, root + "/dst/brokers/ids/1", "{\"stale\":true}");
        await using var sessions = await ZooKeeperClient.ConnectAsync(server.ConnectString);
        var source = await sessions.Create2Async(root + "/src/brokers/ids/1", Encoding.UTF8.GetBytes("{}"), CreateMode.Ephemeral);
        await sessions.CreateAsync(root + "/dst/controller_epoch", Encoding.UTF8.GetBytes("1"), CreateMode.Ephemeral);

        var diff = await TreeDiffer.DiffAsync(Diff(root + "/src", root + "/dst"));
        Assert.False(diff.Equal);
        Assert.Contains(diff.Differences, d => d.Kind == DifferenceKind.PersistentCopyOfEphemeral && d.Path == root + "/src/brokers/ids/1");
        Assert.Contains(diff.Differences, d => d.Kind == DifferenceKind.EphemeralOnTarget && d.Path == root + "/src/controller_epoch");

        var failure = await Assert.ThrowsAsync<CopyFailedException>(() => TreeCopier.CopyAsync(Options(root + "/src", root + "/dst")));

        Assert.Equal([root + "/dst/brokers/ids/1"], failure.Summary.PersistentCopiesOfEphemeralsPaths);
        Assert.Contains($"{root}/dst/controller_epoch is an ephemeral of session", failure.Message, StringComparison.Ordinal);
        Assert.Equal(sessions.SessionId, (await _client.ExistsAsync(root + "/dst/controller_epoch"))!.EphemeralOwner);
        Assert.Equal(source.Stat.EphemeralOwner, (await _client.ExistsAsync(root + "/src/brokers/ids/1"))!.EphemeralOwner);
    }

    /// <summary>
    /// Issue 12 §12: a batch refused midway (an ip ACL the copier cannot evaluate, so it tries). The summary counts
    /// only the creates the server acknowledged, and gives no catch-up time: a rerun from it would skip the rest.
    /// </summary>
    [Fact]
    public async Task Copy_RefusedMidway_CountsOnlyAcknowledgedWrites_AndGivesNoCatchUpTime()
    {
        var root = UniqueRoot("midway");
        await CreateAsync(_client, root + "/src");
        (await _client.MultiAsync([.. Enumerable.Range(0, 30).Select(i => Op.Create($"{root}/src/a{i:D2}", new byte[1]))])).EnsureCommitted();
        await CreateAsync(_client, root + "/src/z/child", "c");
        await CreateAsync(_client, root + "/dst");
        await _client.CreateAsync(root + "/dst/z", ReadOnlyMemory<byte>.Empty, acl: [new ZooKeeperAcl(ZooKeeperPermissions.All, "ip", "10.255.255.1/32"), new ZooKeeperAcl(ZooKeeperPermissions.Read, "world", "anyone")]);

        var failure = await Assert.ThrowsAsync<CopyFailedException>(() => TreeCopier.CopyAsync(Options(root + "/src", root + "/dst") with { MaxBatchOps = 7 }));

        Assert.Equal(KeeperErrorCode.NoAuth, failure.Code);
        // Batches of 7: four acknowledged, the fifth (a28, a29, z/child) refused as a whole.
        Assert.Equal(await CountAsync(root + "/dst") - 2, failure.Summary.Created);
        Assert.Equal(28, failure.Summary.Created);
        Assert.False(failure.Summary.Complete);
        Assert.Null(failure.Summary.NextModifiedSince);
    }

    [Fact]
    public async Task Copy_TtlNamedButTheTargetLacksExtendedTypes_RefusedWithTheReasonBeforeWriting()
    {
        var root = UniqueRoot("nottl");
        await CreateAsync(_client, root + "/src/s", "s");

        var failure = await Assert.ThrowsAsync<CopyFailedException>(() => TreeCopier.CopyAsync(Options(root + "/src", root + "/dst") with { Ttls = [TtlRule.Parse(root + "/src/*=60000")] }));

        Assert.Contains("does not accept TTL znodes", failure.Message, StringComparison.Ordinal);
        Assert.Contains("extendedTypesEnabled", failure.Message, StringComparison.Ordinal);
        Assert.Equal(KeeperErrorCode.Unimplemented, failure.Code);
        Assert.Null(await _client.ExistsAsync(root + "/dst"));
        Assert.Equal(["src"], (await _client.GetChildrenAsync(root)).Children);
    }

    [Fact]
    public async Task Copy_WithoutContainerOrTtlNames_SaysKindsWereNotChecked()
    {
        var root = UniqueRoot("kinds");
        await CreateAsync(_client, root + "/src/a", "a");

        var summary = await TreeCopier.CopyAsync(Options(root + "/src", root + "/dst"));
        var named = await TreeCopier.CopyAsync(Options(root + "/src", root + "/dst2") with { Containers = [PathPattern.Parse(root + "/src")] });

        Assert.False(summary.KindsChecked);
        Assert.True(named.KindsChecked);
        Assert.Equal(1, named.ContainersCreated);
    }

    /// <summary>Znodes under <paramref name="path"/>, itself included.</summary>
    private async Task<long> CountAsync(string path)
    {
        if (await _client.ExistsAsync(path) is null)
        {
            return 0;
        }

        long count = 1;
        foreach (var child in (await _client.GetChildrenAsync(path)).Children)
        {
            count += await CountAsync(path + "/" + child);
        }

        return count;
    }
}
