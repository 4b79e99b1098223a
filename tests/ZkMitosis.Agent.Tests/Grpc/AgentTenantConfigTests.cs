using System.Text.Json.Nodes;
using Google.Rpc;
using Grpc.Core;
using ZkMitosis.Agent.Tests.Support;
using ZkMitosis.Agent.V1;
using ZkMitosis.Testing;
using AgentTlsSettings = ZkMitosis.Coordinator.Agents.AgentTlsSettings;

namespace ZkMitosis.Agent.Tests.Grpc;

/// <summary>A tenant-host agent (role kafka) whose configuration names a Solr env file and a ClickHouse config by id.</summary>
public sealed class TenantConfigFixture : IAsyncLifetime
{
    public const string Plan = "plan-tenant-config";

    public const string SolrInSh = "# solr.in.sh\r\n#ZK_HOST=\"\"\r\nSOLR_HEAP=\"2g\"\r\nexport ZK_HOST=\"s1:2181,s2:2181/solr\" # ops\r\n";

    public const string ClickHouseXml = "<clickhouse>\n  <zookeeper>\n    <node>\n      <host>s1</host>\n      <port>2181</port>\n    </node>\n    <root>/clickhouse</root>\n  </zookeeper>\n</clickhouse>\n";

    public TestDirectory Directory { get; } = new("zkat-tenant");

    public AgentProcess? Agent { get; private set; }

    public string SolrPath => Path.Combine(Directory.Path, "solr.in.sh");

    public string ClickHousePath => Path.Combine(Directory.Path, "clickhouse.xml");

    /// <summary>A file the agent's configuration does not name: no request may reach it.</summary>
    public string OutsidePath => Path.Combine(Directory.Path, "outside.properties");

    public void Reset()
    {
        File.WriteAllText(SolrPath, SolrInSh);
        File.WriteAllText(ClickHousePath, ClickHouseXml);
        File.WriteAllText(OutsidePath, "zookeeper.connect=s1:2181\n");
    }

    public async Task InitializeAsync()
    {
        Reset();
        var agentDirectory = Path.Combine(Directory.Path, "agent");
        System.IO.Directory.CreateDirectory(agentDirectory);
        var config = AgentProcess.ZooKeeperConfig(agentDirectory, Path.Combine(Directory.Path, "zoo.cfg"), FreePorts.Next(), FreePorts.Next());
        config["Role"] = "kafka";
        config["HostName"] = "tenant-test";
        config["Kafka"] = new JsonObject { ["ServerPropertiesPath"] = Path.Combine(Directory.Path, "server.properties") };
        config["TenantConfigFiles"] = new JsonObject { ["solr"] = SolrPath, ["clickhouse"] = ClickHousePath };
        config["Service"]!["KafkaCommands"] = new JsonObject { ["Start"] = "true", ["Stop"] = "true", ["Status"] = "false" };
        Agent = await AgentProcess.StartAsync(config, agentDirectory);
        var (client, channel) = Agent.Connect(AgentTlsSettings.InsecureLab);
        using (channel)
        {
            await TestLease.TakeAsync(client, Plan);
        }
    }

    public async Task DisposeAsync()
    {
        if (Agent is not null)
        {
            await Agent.DisposeAsync();
        }

        Directory.Dispose();
    }
}

/// <summary>
/// Issue 14: the connect-string edit of a tenant other than Kafka, through the real agent process over gRPC. The file
/// comes from the agent's configuration by id; the edit keeps every byte outside the value; a missing key is refused
/// before anything changes; hostile keys and values never reach the file.
/// </summary>
public sealed class AgentTenantConfigTests : IClassFixture<TenantConfigFixture>, IDisposable
{
    private readonly TenantConfigFixture _fixture;
    private readonly global::Grpc.Net.Client.GrpcChannel _channel;

    public AgentTenantConfigTests(TenantConfigFixture fixture)
    {
        _fixture = fixture;
        _fixture.Reset();
        _channel = fixture.Agent!.Connect(AgentTlsSettings.InsecureLab).Channel;
    }

    private ZkMitosis.Agent.V1.Agent.AgentClient Client => new(_channel);

    public void Dispose() => _channel.Dispose();

    private static TenantConfigRef Solr => new() { ConfigId = "solr", Format = ConnectStringFormat.ShellEnv, Key = "ZK_HOST" };

    private static TenantConfigRef ClickHouse => new() { ConfigId = "clickhouse", Format = ConnectStringFormat.ClickhouseXml };

    [Fact]
    public async Task SetConnect_SolrEnvFile_OnlyTheValueChangesAndReadsBack()
    {
        Assert.Equal("s1:2181,s2:2181/solr", (await Client.GetKafkaConfigAsync(new GetKafkaConfigRequest { TenantConfig = Solr })).ZookeeperConnect);

        var written = await Client.SetKafkaZookeeperConnectAsync(new SetKafkaZookeeperConnectRequest
        {
            Context = TestLease.Context(TenantConfigFixture.Plan),
            ZookeeperConnect = "d1:2181,d2:2181/solr",
            ExpectedSha256 = "*",
            TenantConfig = Solr,
        });

        Assert.True(written.Changed);
        Assert.Equal("solr", written.Files[0].Kind);
        Assert.Equal(TenantConfigFixture.SolrInSh.Replace("s1:2181,s2:2181/solr", "d1:2181,d2:2181/solr", StringComparison.Ordinal), await File.ReadAllTextAsync(_fixture.SolrPath));
        Assert.Equal("d1:2181,d2:2181/solr", (await Client.GetKafkaConfigAsync(new GetKafkaConfigRequest { TenantConfig = Solr })).ZookeeperConnect);
    }

    [Fact]
    public async Task SetConnect_ClickHouseNodes_ReplacedWithTheFilesIndentation()
    {
        await Client.SetKafkaZookeeperConnectAsync(new SetKafkaZookeeperConnectRequest
        {
            Context = TestLease.Context(TenantConfigFixture.Plan),
            ZookeeperConnect = "d1:2181,d2:2182/clickhouse",
            ExpectedSha256 = "*",
            TenantConfig = ClickHouse,
        });

        Assert.Equal(
            "<clickhouse>\n  <zookeeper>\n    <node>\n      <host>d1</host>\n      <port>2181</port>\n    </node>\n    <node>\n      <host>d2</host>\n      <port>2182</port>\n    </node>\n    <root>/clickhouse</root>\n  </zookeeper>\n</clickhouse>\n",
            await File.ReadAllTextAsync(_fixture.ClickHousePath));
    }

    [Fact]
    public async Task SetConnect_KeyMissing_FailedPreconditionAndFileUnchanged()
    {
        var missing = new TenantConfigRef { ConfigId = "solr", Format = ConnectStringFormat.ShellEnv, Key = "SOLR_ZK_HOST" };

        var error = await Assert.ThrowsAsync<RpcException>(() => Client.SetKafkaZookeeperConnectAsync(new SetKafkaZookeeperConnectRequest
        {
            Context = TestLease.Context(TenantConfigFixture.Plan),
            ZookeeperConnect = "d1:2181/solr",
            ExpectedSha256 = "*",
            TenantConfig = missing,
        }).ResponseAsync);

        Assert.Equal(StatusCode.FailedPrecondition, error.StatusCode);
        Assert.Contains("SOLR_ZK_HOST is not set", error.Status.Detail, StringComparison.Ordinal);
        Assert.Equal(TenantConfigFixture.SolrInSh, await File.ReadAllTextAsync(_fixture.SolrPath));
    }

    [Theory]
    [InlineData("../outside.properties", ConnectStringFormat.Properties, "zookeeper.connect", "tenant_config.config_id")]
    [InlineData("other", ConnectStringFormat.Properties, "zookeeper.connect", "tenant_config.config_id")]
    [InlineData("solr", ConnectStringFormat.Unspecified, "ZK_HOST", "tenant_config.format")]
    [InlineData("solr", ConnectStringFormat.ShellEnv, "ZK_HOST\nexport X", "tenant_config.key")]
    [InlineData("solr", ConnectStringFormat.ShellEnv, "", "tenant_config.key")]
    public async Task SetConnect_HostileReference_InvalidArgumentAndNothingWritten(string configId, ConnectStringFormat format, string key, string field)
    {
        var error = await Assert.ThrowsAsync<RpcException>(() => Client.SetKafkaZookeeperConnectAsync(new SetKafkaZookeeperConnectRequest
        {
            Context = TestLease.Context(TenantConfigFixture.Plan),
            ZookeeperConnect = "d1:2181/solr",
            ExpectedSha256 = "*",
            TenantConfig = new TenantConfigRef { ConfigId = configId, Format = format, Key = key },
        }).ResponseAsync);

        AssertInvalid(error, field);
        Assert.Equal(TenantConfigFixture.SolrInSh, await File.ReadAllTextAsync(_fixture.SolrPath));
        Assert.Equal("zookeeper.connect=s1:2181\n", await File.ReadAllTextAsync(_fixture.OutsidePath));
    }

    [Theory]
    [InlineData("d1:2181/solr\nexport EVIL=1")]
    [InlineData("d1:2181/so lr")]
    public async Task SetConnect_HostileValue_InvalidArgumentAndFileUnchanged(string connect)
    {
        var error = await Assert.ThrowsAsync<RpcException>(() => Client.SetKafkaZookeeperConnectAsync(new SetKafkaZookeeperConnectRequest
        {
            Context = TestLease.Context(TenantConfigFixture.Plan),
            ZookeeperConnect = connect,
            ExpectedSha256 = "*",
            TenantConfig = Solr,
        }).ResponseAsync);

        AssertInvalid(error, "zookeeper_connect");
        Assert.Equal(TenantConfigFixture.SolrInSh, await File.ReadAllTextAsync(_fixture.SolrPath));
    }

    [Fact]
    public async Task SetConnect_XmlMetacharactersInChroot_EscapedInTheFile()
    {
        await Client.SetKafkaZookeeperConnectAsync(new SetKafkaZookeeperConnectRequest
        {
            Context = TestLease.Context(TenantConfigFixture.Plan),
            ZookeeperConnect = "d1:2181/ch</root><x>&",
            ExpectedSha256 = "*",
            TenantConfig = ClickHouse,
        });

        Assert.Contains("<root>/ch&lt;/root&gt;&lt;x&gt;&amp;</root>", await File.ReadAllTextAsync(_fixture.ClickHousePath), StringComparison.Ordinal);
        Assert.Equal("d1:2181/ch</root><x>&", (await Client.GetKafkaConfigAsync(new GetKafkaConfigRequest { TenantConfig = ClickHouse })).ZookeeperConnect);
    }

    private static void AssertInvalid(RpcException error, string field)
    {
        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        var detail = error.GetRpcStatus()?.GetDetail<BadRequest>() ?? throw new InvalidOperationException($"no BadRequest detail in {error.Status}");
        Assert.Equal(field, Assert.Single(detail.FieldViolations).Field);
        Assert.DoesNotContain('\n', error.Status.Detail);
    }
}
