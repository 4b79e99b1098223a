using System.Text.Json.Nodes;
using ZkMitosis.Agent.Tests.Support;
using ZkMitosis.Agent.V1;
using ZkMitosis.Testing;
using ZkMitosis.Testing.Security;
using ZkMitosis.ZooKeeper;
using ZkMitosis.ZooKeeper.FourLetterWords;
using ZkMitosis.ZooKeeper.Security;
using AgentTlsSettings = ZkMitosis.Coordinator.Agents.AgentTlsSettings;

namespace ZkMitosis.Agent.Tests.Status;

/// <summary>
/// The real agent reporting a real ZooKeeper 3.8 that serves clients over TLS only (<c>secureClientPort</c>, no
/// <c>clientPort</c>): with its own TLS files it reads mode and zxid over TLS; with a wrong CA, or none, the status says
/// why in one line instead of reporting the server stopped.
/// </summary>
public sealed class LocalZooKeeperTlsTests(TlsOnlyZooKeeperFixture server) : IClassFixture<TlsOnlyZooKeeperFixture>, IAsyncLifetime
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    private readonly TestDirectory _directory = new("zkat-zktls");
    private AgentProcess? _agent;
    private global::Grpc.Net.Client.GrpcChannel? _channel;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        _channel?.Dispose();
        if (_agent is not null)
        {
            await _agent.DisposeAsync();
        }

        _directory.Dispose();
    }

    [Fact]
    public async Task GetZooKeeperStatus_TlsOnlyServer_ReportsStandaloneModeAndZxidOverTls()
    {
        await using (var zk = await ZooKeeperClient.ConnectAsync(server.Server.SecureConnectString, new ZooKeeperClientOptions { Tls = server.ClientTls() }))
        {
            await zk.CreateAsync($"/agent-tls-{Guid.NewGuid():N}", "x"u8.ToArray(), CreateMode.Persistent);
        }

        // Nothing else writes to this server, and the client's session has closed: its zxid stays put.
        var expected = await FourLetterWordQueries.SrvrAsync("127.0.0.1", server.Server.SecurePort, server.ClientTls(), Bound);
        var client = await StartAgentAsync(new JsonObject
        {
            ["AgentCaFile"] = server.Pki.CaFile,
            ["AgentCertificateFile"] = server.Pki.ClientCertificateFile,
            ["AgentKeyFile"] = server.Pki.ClientKeyFile,
        });

        var status = await client.GetZooKeeperStatusAsync(new GetZooKeeperStatusRequest { IncludeConnections = true }, deadline: DateTime.UtcNow + Bound);

        Assert.True(status.Error.Length == 0, status.Error);
        Assert.Equal(ZooKeeperMode.Standalone, status.Mode);
        Assert.True(expected.Zxid > 0, $"zxid {expected.Zxid}");
        Assert.Equal(expected.Zxid, status.Zxid);
        Assert.Equal("4lw-tls", status.Source);
        Assert.StartsWith("3.8", status.Version, StringComparison.Ordinal);
        Assert.True(status.NodeCount > 1, $"node count {status.NodeCount} (mntr over TLS)");
        Assert.Equal(-1, status.LastZxidOnDisk);
    }

    [Fact]
    public async Task GetZooKeeperStatus_TlsOnlyServerAndWrongCa_ReportsUntrustedCertificateNamingTheCa()
    {
        var client = await StartAgentAsync(new JsonObject
        {
            ["AgentCaFile"] = server.Pki.OtherCaFile,
            ["AgentCertificateFile"] = server.Pki.ClientCertificateFile,
            ["AgentKeyFile"] = server.Pki.ClientKeyFile,
        });

        var status = await client.GetZooKeeperStatusAsync(new GetZooKeeperStatusRequest(), deadline: DateTime.UtcNow + Bound);

        Assert.Equal(ZooKeeperMode.Unknown, status.Mode);
        Assert.Equal(-1, status.Zxid);
        Assert.DoesNotContain('\n', status.Error);
        Assert.StartsWith($"'srvr' to 127.0.0.1:{server.Server.SecurePort}: TLS failed: ", status.Error, StringComparison.Ordinal);
        Assert.Contains("is not trusted", status.Error, StringComparison.Ordinal);
        Assert.Contains(server.Pki.OtherCaFile, status.Error, StringComparison.Ordinal);
        // The refusal is an answer, not a fault: the agent keeps serving.
        var again = await client.GetZooKeeperStatusAsync(new GetZooKeeperStatusRequest(), deadline: DateTime.UtcNow + Bound);
        Assert.Equal(ZooKeeperMode.Unknown, again.Mode);
    }

    [Fact]
    public async Task GetZooKeeperStatus_TlsOnlyServerWithoutClientCertificate_ReportsTheHandshakeRefused()
    {
        var client = await StartAgentAsync(new JsonObject { ["AgentCaFile"] = server.Pki.CaFile });

        var status = await client.GetZooKeeperStatusAsync(new GetZooKeeperStatusRequest(), deadline: DateTime.UtcNow + Bound);

        // ssl.clientAuth=need: the server refuses a client without a certificate; that is no stopped server.
        Assert.Equal(ZooKeeperMode.Unknown, status.Mode);
        Assert.DoesNotContain('\n', status.Error);
        Assert.Contains("TLS failed", status.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetZooKeeperStatus_TlsOnlyServerAndNoAgentTlsFiles_NamesTheMissingSetting()
    {
        var client = await StartAgentAsync(security: null);

        var status = await client.GetZooKeeperStatusAsync(new GetZooKeeperStatusRequest(), deadline: DateTime.UtcNow + Bound);

        Assert.Equal(ZooKeeperMode.Unknown, status.Mode);
        Assert.DoesNotContain('\n', status.Error);
        Assert.Contains($"secureClientPort {server.Server.SecurePort}", status.Error, StringComparison.Ordinal);
        Assert.Contains("ZooKeeper.Security.AgentCaFile", status.Error, StringComparison.Ordinal);
    }

    private async Task<ZkMitosis.Agent.V1.Agent.AgentClient> StartAgentAsync(JsonObject? security)
    {
        var config = AgentProcess.ZooKeeperConfig(_directory.Path, server.Server.ConfigPath, FreePorts.Next(), FreePorts.Next(), dataDir: server.Server.DataDirectory);
        if (security is not null)
        {
            ((JsonObject)config["ZooKeeper"]!)["Security"] = security;
        }

        _agent = await AgentProcess.StartAsync(config, _directory.Path);
        (var client, _channel) = _agent.Connect(AgentTlsSettings.InsecureLab);
        return client;
    }
}

/// <summary>One standalone ZooKeeper 3.8 with a TLS client port and no plain one, and the PKI its certificates come from.</summary>
public sealed class TlsOnlyZooKeeperFixture : IAsyncLifetime
{
    private readonly TestDirectory _directory = new("zkat-tlsonly");
    private SecureZooKeeper? _server;

    public TestPki Pki { get; private set; } = null!;

    public SecureZooKeeper Server => _server ?? throw new InvalidOperationException("not started");

    /// <summary>The TLS a client of this server needs: the test CA and the test client certificate.</summary>
    public ZooKeeperTlsOptions ClientTls() => new() { CaFile = Pki.CaFile, CertificateFile = Pki.ClientCertificateFile, KeyFile = Pki.ClientKeyFile };

    public async Task InitializeAsync()
    {
        try
        {
            Pki = TestPki.Create(Path.Combine(_directory.Path, "pki"));
            _server = await SecureZooKeeper.StartAsync(Path.Combine(_directory.Path, "zk"), Pki, Pki.ServerKeyStoreFile, saslUsers: null, plainClientPort: false);
            Assert.False(_server.HasPlainClientPort);
            Assert.DoesNotContain(File.ReadAllLines(_server.ConfigPath), l => l.StartsWith("clientPort", StringComparison.Ordinal));
        }
        catch
        {
            await DisposeAsync();
            throw;
        }
    }

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
            _server = null;
        }

        _directory.Dispose();
    }
}
