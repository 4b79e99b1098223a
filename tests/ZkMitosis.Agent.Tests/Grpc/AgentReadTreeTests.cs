using Grpc.Core;
using ZkMitosis.Agent.Tests.DataDir;
using ZkMitosis.Agent.Tests.Support;
using ZkMitosis.Agent.V1;
using ZkMitosis.Testing;
using ZkMitosis.ZooKeeper;

namespace ZkMitosis.Agent.Tests.Grpc;

/// <summary>ReadTree through a real agent process (mTLS) over a real, running ZooKeeper's data dir.</summary>
public sealed class AgentReadTreeTests : IAsyncLifetime
{
    private const string Chroot = "/app";

    private readonly TestDirectory _directory = new("zkat-readtree");
    private readonly TestCertificates _certificates = new();
    private ZooKeeperEnsemble? _server;
    private AgentProcess? _agent;
    private global::Grpc.Net.Client.GrpcChannel? _channel;
    private ZkMitosis.Agent.V1.Agent.AgentClient? _client;

    public async Task InitializeAsync()
    {
        _server = await ZooKeeperEnsemble.StartStandaloneAsync(
            new Dictionary<string, string>(),
            new Dictionary<string, string> { ["zookeeper.snapCount"] = "200", ["zookeeper.extendedTypesEnabled"] = "true" });
        var config = _server.Servers[0].Config;
        _agent = await AgentProcess.StartAsync(
            AgentProcess.ZooKeeperConfig(_directory.Path, config.ConfigPath, FreePorts.Next(), FreePorts.Next(), _certificates, dataDir: config.DataDirectory),
            _directory.Path);
        (_client, _channel) = _agent.Connect(_certificates.Client);
    }

    public async Task DisposeAsync()
    {
        _channel?.Dispose();
        if (_agent is not null)
        {
            await _agent.DisposeAsync();
        }

        if (_server is not null)
        {
            await _server.DisposeAsync();
        }

        _certificates.Dispose();
        _directory.Dispose();
    }

    [Fact]
    public async Task ReadTree_ThousandNodesSmallChunks_EveryNodeInOrderAtTheServersZxid()
    {
        await using var zk = await ZooKeeperClient.ConnectAsync(_server!.ConnectString);
        await zk.CreateAsync(Chroot, ReadOnlyMemory<byte>.Empty);
        await zk.CreateAsync(Chroot + "/box", ReadOnlyMemory<byte>.Empty, CreateMode.Container);
        await zk.CreateAsync(Chroot + "/lease", "l"u8.ToArray(), CreateMode.PersistentWithTtl, ttlMs: 600_000);
        var payload = new byte[200];
        for (var i = 0; i < 1000; i++)
        {
            await zk.CreateAsync($"{Chroot}/box/n{i:D4}", payload);
        }

        var lastZxid = (await zk.ExistsAsync($"{Chroot}/box/n0999"))!.Mzxid;

        var chunks = await ReadAsync(new ReadTreeRequest { Chroot = Chroot, MaxChunkBytes = 64 * 1024 });

        Assert.True(chunks.Count >= 3, $"{chunks.Count} chunks");
        Assert.All(chunks, c => Assert.Equal(lastZxid, c.Zxid));
        Assert.All(chunks[..^1], c => Assert.False(c.Last));
        Assert.True(chunks[^1].Last);
        var nodes = chunks.SelectMany(c => c.Nodes).ToList();
        Assert.Equal(1003, chunks[^1].NodeCount);
        Assert.Equal(1003, nodes.Count);
        Assert.Equal(Chroot, nodes[0].Path);
        Assert.Equal(ZnodeKind.Container, nodes.Single(n => n.Path == Chroot + "/box").Kind);
        var lease = nodes.Single(n => n.Path == Chroot + "/lease");
        Assert.Equal(ZnodeKind.Ttl, lease.Kind);
        Assert.Equal(600_000, lease.TtlMs);
        var live = await LiveTree.ReadAsync(zk, Chroot);
        Assert.Equal(live.Keys.Order(StringComparer.Ordinal), nodes.Select(n => n.Path).Order(StringComparer.Ordinal));
        foreach (var node in nodes)
        {
            Assert.Equal(live[node.Path].Stat.Cversion, node.Cversion);
            Assert.Equal(live[node.Path].Stat.Pzxid, node.Pzxid);
        }
    }

    [Theory]
    [InlineData("")]
    [InlineData("app")]
    [InlineData("/app/../../etc/shadow")]
    [InlineData("/app/./x")]
    [InlineData("/app/")]
    [InlineData("//etc")]
    [InlineData("/app\u0000/x")]
    [InlineData("/app\n/x")]
    public async Task ReadTree_NotAZnodePath_InvalidArgumentNamingTheField(string chroot)
    {
        var error = await Assert.ThrowsAsync<RpcException>(() => ReadAsync(new ReadTreeRequest { Chroot = chroot }));

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.StartsWith("chroot:", error.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadTree_ChrootAbsent_OneEmptyLastChunk()
    {
        var chunks = await ReadAsync(new ReadTreeRequest { Chroot = "/absent" });

        var chunk = Assert.Single(chunks);
        Assert.True(chunk.Last);
        Assert.Empty(chunk.Nodes);
        Assert.True(chunk.Zxid >= 0);
    }

    private async Task<List<ReadTreeResponse>> ReadAsync(ReadTreeRequest request)
    {
        using var call = _client!.ReadTree(request, deadline: DateTime.UtcNow.AddSeconds(60));
        var chunks = new List<ReadTreeResponse>();
        while (await call.ResponseStream.MoveNext(CancellationToken.None))
        {
            chunks.Add(call.ResponseStream.Current);
        }

        return chunks;
    }
}
