using ZkMitosis.Coordinator.Copy;
using ZkMitosis.Testing;
using ZkMitosis.ZooKeeper;
using static ZkMitosis.Coordinator.Tests.Copy.CopyTestTree;

namespace ZkMitosis.Coordinator.Tests.Copy;

/// <summary>
/// Strategy copy's pre-copy from a source data dir (issue 15): a copy whose source side is a <see cref="ChrootSnapshot"/>
/// sends nothing to the source server and creates containers and TTL znodes with their stored kind; a later read with
/// the snapshot as its ACL base reads an ACL only where the znode changed since. Against a real server with extended
/// types and a short container check interval, so the kinds show in what the server does with them.
/// </summary>
public sealed class SnapshotCopyTests : IAsyncLifetime
{
    private static readonly ZooKeeperAcl[] Marker = [new(ZooKeeperPermissions.All, "ip", "10.255.255.7")];

    private ZooKeeperEnsemble? _server;
    private ZooKeeperClient _client = null!;

    public async Task InitializeAsync()
    {
        _server = await ZooKeeperEnsemble.StartStandaloneAsync(
            new Dictionary<string, string>(),
            new Dictionary<string, string> { ["zookeeper.extendedTypesEnabled"] = "true", ["znode.container.checkIntervalMs"] = "200" });
        _client = await ZooKeeperClient.ConnectAsync(_server.ConnectString);
    }

    public async Task DisposeAsync()
    {
        await _client.DisposeAsync();
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }

    [Fact]
    public async Task Copy_FromASnapshot_NoSourceServerNeededAndStoredKindsKept()
    {
        var root = UniqueRoot("snap");
        var snapshot = new ChrootSnapshot(root + "/src", 0x1_0000_0042, "test snapshot");
        var stat = new ZooKeeperStat(1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 1);
        snapshot.Add(root + "/src", Bytes("root"), stat, ZooKeeperAcl.OpenUnsafe, CreateMode.Persistent, 0);
        snapshot.Add(root + "/src/container", null, stat, ZooKeeperAcl.OpenUnsafe, CreateMode.Container, 0);
        snapshot.Add(root + "/src/container/child", Bytes("c"), stat, ZooKeeperAcl.OpenUnsafe, CreateMode.Persistent, 0);
        snapshot.Add(root + "/src/ttl", Bytes("t"), stat, ZooKeeperAcl.OpenUnsafe, CreateMode.PersistentWithTtl, 300);
        snapshot.Add(root + "/src/kept", Bytes("k"), stat with { Version = 3 }, Marker.Append(ZooKeeperAcl.OpenUnsafe[0]).ToList(), CreateMode.Persistent, 0);
        snapshot.Add(root + "/src/session", Bytes("e"), stat with { EphemeralOwner = 0x77 }, ZooKeeperAcl.OpenUnsafe, null, 0);

        // The source's hosts name a port nothing listens on: the copy must not need them.
        var summary = await TreeCopier.CopyAsync(new CopyOptions
        {
            Source = TreeLocation.Parse("127.0.0.1:1" + root + "/src"),
            Target = TreeLocation.Parse(_server!.ConnectString + root + "/dst"),
            SourceSnapshot = snapshot,
            Faithful = true,

            // As the strategy's pre-copy: no counters, so versions are raised right after each create, in one pass.
            SequentialCounters = false,
        });

        Assert.True(summary.Complete);
        Assert.Equal(5, summary.Created);
        Assert.Equal(1, summary.Ephemerals);
        Assert.Equal(3, summary.VersionBumps);
        Assert.Equal(3, (await _client.ExistsAsync(root + "/dst/kept"))!.Version);
        Assert.Equal("c", System.Text.Encoding.UTF8.GetString((await _client.GetDataAsync(root + "/dst/container/child")).Data));
        Assert.Equal(Marker.Append(ZooKeeperAcl.OpenUnsafe[0]), (await _client.GetAclAsync(root + "/dst/kept")).Acl);
        Assert.Null(await _client.ExistsAsync(root + "/dst/session"));

        // The kinds, as the server treats them: the container goes once its last child does, the TTL znode once its
        // TTL has passed without children; a persistent znode stays.
        await _client.DeleteAsync(root + "/dst/container/child");
        await WaitGoneAsync(root + "/dst/container");
        await WaitGoneAsync(root + "/dst/ttl");
        Assert.NotNull(await _client.ExistsAsync(root + "/dst/kept"));
    }

    [Fact]
    public async Task Read_WithASnapshotAsAclBase_ReadsAnAclOnlyWhereTheZnodeChangedSince()
    {
        var root = UniqueRoot("base");
        await CreateAsync(_client, root + "/unchanged", "u");
        await CreateAsync(_client, root + "/acl-set", "a");
        await CreateAsync(_client, root + "/recreated", "r");
        await CreateAsync(_client, root + "/data-set", "d");
        var snapshot = new ChrootSnapshot(root, 1, "test snapshot");
        snapshot.Add(root, null, (await _client.ExistsAsync(root))!, ZooKeeperAcl.OpenUnsafe, CreateMode.Persistent, 0);
        foreach (var name in new[] { "unchanged", "acl-set", "recreated", "data-set" })
        {
            // The base says Marker for every znode: a read that uses it shows Marker, one that asked the server does not.
            snapshot.Add($"{root}/{name}", null, (await _client.ExistsAsync($"{root}/{name}"))!, Marker, CreateMode.Persistent, 0);
        }

        await _client.SetAclAsync(root + "/acl-set", ZooKeeperAcl.ReadUnsafe);
        await _client.DeleteAsync(root + "/recreated");
        await CreateAsync(_client, root + "/recreated", "r2");
        await _client.SetDataAsync(root + "/data-set", Bytes("d2"));

        var reader = new ZnodeReader(_client, ReadPath.MultiRead, "source", readAcls: true, aclBase: snapshot);
        var nodes = await reader.ReadAsync([root + "/unchanged", root + "/acl-set", root + "/recreated", root + "/data-set", root + "/absent"], CancellationToken.None);

        Assert.Equal(Marker, nodes[0]!.Acl);
        Assert.Equal(ZooKeeperAcl.ReadUnsafe, nodes[1]!.Acl);
        Assert.Equal(ZooKeeperAcl.OpenUnsafe, nodes[2]!.Acl);

        // setData leaves czxid and aversion: the ACL is still the snapshot's.
        Assert.Equal(Marker, nodes[3]!.Acl);
        Assert.Null(nodes[4]);
    }

    private async Task WaitGoneAsync(string path)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (await _client.ExistsAsync(path) is not null)
        {
            Assert.True(DateTime.UtcNow < deadline, $"{path} still exists after 30 s");
            await Task.Delay(100);
        }
    }
}
