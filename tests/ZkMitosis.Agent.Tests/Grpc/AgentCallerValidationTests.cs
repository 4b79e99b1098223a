using Google.Rpc;
using Grpc.Core;
using ZkMitosis.Agent.Tests.Support;
using ZkMitosis.Agent.V1;
using ZkMitosis.Testing;
using AgentTlsSettings = ZkMitosis.Coordinator.Agents.AgentTlsSettings;

namespace ZkMitosis.Agent.Tests.Grpc;

/// <summary>
/// A ZooKeeper agent whose zoo.cfg keeps its members in a dynamic file (conf/zoo.cfg.dynamic), and a Kafka agent: real
/// processes that tests call as a hostile caller with a valid identity would.
/// </summary>
public sealed class CallerValidationFixture : IAsyncLifetime
{
    public TestDirectory Directory { get; } = new("zkat-caller");

    public AgentProcess? ZooKeeperAgent { get; private set; }

    public AgentProcess? KafkaAgent { get; private set; }

    public string ConfDirectory => Path.Combine(Directory.Path, "conf");

    public string ZooCfgPath => Path.Combine(ConfDirectory, "zoo.cfg");

    public string DynamicPath => Path.Combine(ConfDirectory, "zoo.cfg.dynamic");

    public string DataDir => Path.Combine(Directory.Path, "data");

    public string OtherDataDir => Path.Combine(Directory.Path, "other");

    public string ServerPropertiesPath => Path.Combine(Directory.Path, "kafka", "server.properties");

    public int ClientPort { get; } = FreePorts.Next();

    public string BaselineZooCfg => $"# caller validation\ntickTime=2000\ndataDir={DataDir}\nclientPort={ClientPort}\ndynamicConfigFile={DynamicPath}\n";

    public string BaselineDynamic => $"server.1=127.0.0.1:2888:3888:participant;127.0.0.1:{ClientPort}\n";

    public const string BaselineServerProperties = "broker.id=1\r\nzookeeper.connect=zk1:2181/kafka\nlog.dirs=/var/lib/kafka";

    /// <summary>Puts every file back as the fixture made it (tests of one class run one after another).</summary>
    public void Reset()
    {
        foreach (var directory in new[] { ConfDirectory, OtherDataDir, Path.Combine(DataDir, "version-2") })
        {
            if (System.IO.Directory.Exists(directory))
            {
                System.IO.Directory.Delete(directory, recursive: true);
            }
        }

        System.IO.Directory.CreateDirectory(ConfDirectory);
        File.WriteAllText(ZooCfgPath, BaselineZooCfg);
        File.WriteAllText(DynamicPath, BaselineDynamic);
        System.IO.Directory.CreateDirectory(Path.GetDirectoryName(ServerPropertiesPath)!);
        File.WriteAllText(ServerPropertiesPath, BaselineServerProperties);
    }

    /// <summary>The plan and holder of the lease every test's calls carry.</summary>
    public const string CallerPlan = "plan-caller";

    /// <inheritdoc cref="CallerPlan"/>
    public const string CallerHolder = "holder-caller";

    public async Task InitializeAsync()
    {
        Reset();
        ZooKeeperAgent = await AgentProcess.StartAsync(AgentProcess.ZooKeeperConfig(Directory.Path, ZooCfgPath, FreePorts.Next(), FreePorts.Next()), Directory.Path);
        var kafkaDirectory = Path.Combine(Directory.Path, "kafka");
        var kafka = AgentProcess.ZooKeeperConfig(kafkaDirectory, ZooCfgPath, FreePorts.Next(), FreePorts.Next());
        kafka["Role"] = "kafka";
        kafka["HostName"] = "kafka-test";
        kafka["Kafka"] = new System.Text.Json.Nodes.JsonObject { ["ServerPropertiesPath"] = ServerPropertiesPath };
        kafka["Service"]!["KafkaCommands"] = new System.Text.Json.Nodes.JsonObject { ["Start"] = "true", ["Stop"] = "true", ["Status"] = "false" };
        KafkaAgent = await AgentProcess.StartAsync(kafka, kafkaDirectory);

        // Every mutation needs its plan's live lease held by its holder (agent.proto, "Lease (fencing)"): the hostile
        // caller here holds a valid lease, so what refuses its calls is the validation under test, not the fence.
        foreach (var agent in new[] { ZooKeeperAgent, KafkaAgent })
        {
            var (client, channel) = agent.Connect(AgentTlsSettings.InsecureLab);
            using (channel)
            {
                await client.AcquireLeaseAsync(new AcquireLeaseRequest { PlanId = CallerPlan, Holder = CallerHolder, Ttl = Google.Protobuf.WellKnownTypes.Duration.FromTimeSpan(TimeSpan.FromHours(1)) });
            }
        }
    }

    public async Task DisposeAsync()
    {
        foreach (var agent in new[] { ZooKeeperAgent, KafkaAgent })
        {
            if (agent is not null)
            {
                await agent.DisposeAsync();
            }
        }

        Directory.Dispose();
    }
}

/// <summary>
/// Issue 11 §6 against a running agent: paths only from the agent's configuration, no control characters or line
/// breaks in any value that reaches a file, and an identical write retried is "unchanged", not a sha256 conflict.
/// Every refusal is INVALID_ARGUMENT naming the field (and key) and leaves every file as it was.
/// </summary>
public sealed class AgentCallerValidationTests : IClassFixture<CallerValidationFixture>, IDisposable
{
    private readonly CallerValidationFixture _fixture;
    private readonly global::Grpc.Net.Client.GrpcChannel _zooKeeperChannel;
    private readonly global::Grpc.Net.Client.GrpcChannel _kafkaChannel;

    public AgentCallerValidationTests(CallerValidationFixture fixture)
    {
        _fixture = fixture;
        _fixture.Reset();
        _zooKeeperChannel = fixture.ZooKeeperAgent!.Connect(AgentTlsSettings.InsecureLab).Channel;
        _kafkaChannel = fixture.KafkaAgent!.Connect(AgentTlsSettings.InsecureLab).Channel;
    }

    private ZkMitosis.Agent.V1.Agent.AgentClient ZooKeeper => new(_zooKeeperChannel);

    private ZkMitosis.Agent.V1.Agent.AgentClient Kafka => new(_kafkaChannel);

    public void Dispose()
    {
        _zooKeeperChannel.Dispose();
        _kafkaChannel.Dispose();
    }

    [Fact]
    public async Task WriteZooConfig_DynamicConfigFileOutsideConfigDir_RefusedAndNothingWritten()
    {
        var outside = Path.Combine(_fixture.Directory.Path, "outside", "evil.dynamic");
        var content = _fixture.BaselineZooCfg.Replace(_fixture.DynamicPath, outside, StringComparison.Ordinal);

        var error = await Assert.ThrowsAsync<RpcException>(() => ZooKeeper.WriteZooConfigAsync(new WriteZooConfigRequest
        {
            Context = Context(),
            ExpectedSha256 = "*",
            Content = content,
            DynamicContent = "server.9=127.0.0.1:2888:3888\n",
            ExpectedDynamicSha256 = "*",
        }).ResponseAsync);

        AssertInvalid(error, "content.dynamicConfigFile");
        Assert.False(File.Exists(outside));
        AssertFilesAsBaseline();
    }

    [Theory]
    [InlineData("dynamicConfigFile", "../outside/evil.dynamic")]
    [InlineData("dynamicConfigFile", "sub/../../evil.dynamic")]
    [InlineData("dynamicConfigFile", "zoo.cfg.dynamic.other")]
    [InlineData("ssl.keyStore.location", "../../root/keystore.jks")]
    [InlineData("dataDir", "../data")]
    [InlineData("server.1", "fd00::11:2888:3888")]
    [InlineData("server.1", "[2001:db8::1:2888:3888")]
    public async Task WriteZooConfig_PathOrMemberTheAgentMustNotWrite_RefusedNamingTheKey(string key, string value)
    {
        var content = SetLine(_fixture.BaselineZooCfg, key, value);

        var error = await Assert.ThrowsAsync<RpcException>(() => ZooKeeper.WriteZooConfigAsync(new WriteZooConfigRequest { Context = Context(), ExpectedSha256 = "*", Content = content }).ResponseAsync);

        AssertInvalid(error, "content." + key);
        AssertFilesAsBaseline();
    }

    [Theory]
    [InlineData("dataDir")]
    [InlineData("dataLogDir")]
    public async Task WriteZooConfig_ContentNamingAnotherDataDir_RefusedNamingTheKey(string key)
    {
        var content = SetLine(_fixture.BaselineZooCfg, key, _fixture.OtherDataDir);

        var error = await Assert.ThrowsAsync<RpcException>(() => ZooKeeper.WriteZooConfigAsync(new WriteZooConfigRequest { Context = Context(), ExpectedSha256 = "*", Content = content }).ResponseAsync);

        AssertInvalid(error, "content." + key);
        AssertFilesAsBaseline();
    }

    [Fact]
    public async Task WriteZooConfig_EditSettingAnotherDataDir_RefusedNamingTheKey()
    {
        var edit = new ConfigEdit { Set = { ["dataDir"] = _fixture.OtherDataDir } };

        var error = await Assert.ThrowsAsync<RpcException>(() => ZooKeeper.WriteZooConfigAsync(new WriteZooConfigRequest { Context = Context(), ExpectedSha256 = "*", Edit = edit }).ResponseAsync);

        AssertInvalid(error, "edit.dataDir");
        AssertFilesAsBaseline();
    }

    [Theory]
    [InlineData("2000\ndynamicConfigFile=/tmp/x")]
    [InlineData("2000\r")]
    [InlineData("2000\u0000")]
    [InlineData("2000\u001b[31m")]
    [InlineData("2000\u007f")]
    [InlineData("2000\t1")]
    public async Task WriteZooConfig_EditValueWithControlCharacter_RefusedNamingTheKey(string value)
    {
        var edit = new ConfigEdit { Set = { ["tickTime"] = value } };

        var error = await Assert.ThrowsAsync<RpcException>(() => ZooKeeper.WriteZooConfigAsync(new WriteZooConfigRequest { Context = Context(), ExpectedSha256 = "*", Edit = edit }).ResponseAsync);

        AssertInvalid(error, "edit.set.tickTime");
        AssertFilesAsBaseline();
    }

    [Fact]
    public async Task WriteZooConfig_EditKeysWithControlCharacters_RefusedNamingTheField()
    {
        var set = await Assert.ThrowsAsync<RpcException>(() => ZooKeeper.WriteZooConfigAsync(new WriteZooConfigRequest
        {
            Context = Context(),
            ExpectedSha256 = "*",
            Edit = new ConfigEdit { Set = { ["tick\u0000Time"] = "1" } },
        }).ResponseAsync);
        var remove = await Assert.ThrowsAsync<RpcException>(() => ZooKeeper.WriteZooConfigAsync(new WriteZooConfigRequest
        {
            Context = Context(),
            ExpectedSha256 = "*",
            Edit = new ConfigEdit { Remove = { "tickTime\n" } },
        }).ResponseAsync);

        AssertInvalid(set, "edit.set");
        AssertInvalid(remove, "edit.remove");
        AssertFilesAsBaseline();
    }

    [Theory]
    [InlineData("tickTime=20\u000100\n", "content")]
    [InlineData("tickTime=2000\\u000adynamicConfigFile=/tmp/x\n", "content.tickTime")]
    [InlineData("tick\\u0000Time=2000\n", "content.tick\\x00Time")]
    public async Task WriteZooConfig_ContentWithControlCharacterInAnEntry_RefusedNamingIt(string line, string field)
    {
        var content = _fixture.BaselineZooCfg + line;

        var error = await Assert.ThrowsAsync<RpcException>(() => ZooKeeper.WriteZooConfigAsync(new WriteZooConfigRequest { Context = Context(), ExpectedSha256 = "*", Content = content }).ResponseAsync);

        AssertInvalid(error, field);
        AssertFilesAsBaseline();
    }

    [Theory]
    [InlineData("../secret.txt")]
    [InlineData("ABSOLUTE")]
    public async Task ReadConfig_DynamicConfigFileOutsideConfigDir_NotFollowed(string named)
    {
        var secret = Path.Combine(_fixture.Directory.Path, "secret.txt");
        await File.WriteAllTextAsync(secret, "server.1=secret:2888:3888\n");
        await File.WriteAllTextAsync(_fixture.ZooCfgPath, SetLine(_fixture.BaselineZooCfg, "dynamicConfigFile", named == "ABSOLUTE" ? secret : named));

        var read = await ZooKeeper.ReadConfigAsync(new ReadConfigRequest());

        Assert.Null(read.Dynamic);
        Assert.DoesNotContain("secret:2888", read.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadConfig_DynamicFileInConfigDir_MembersReturned()
    {
        var read = await ZooKeeper.ReadConfigAsync(new ReadConfigRequest());

        Assert.Equal(_fixture.BaselineDynamic, read.Dynamic.Content);
        Assert.Equal(_fixture.DynamicPath, read.Dynamic.File.Path);
    }

    [Fact]
    public async Task GetZooKeeperStatus_Ipv6AndObserverMembersInTheDynamicFile_CountsTheVoters()
    {
        // Issue 12 §2/§3: members in the dynamic file, IPv6 in brackets, roles and client addresses; one line ZooKeeper
        // would refuse (an unbracketed IPv6 address) must not make the whole file unreadable.
        await File.WriteAllTextAsync(_fixture.DynamicPath,
            "server.1=[2001:db8::1]:2888:3888:participant;[2001:db8::1]:2181\r\n" +
            "server.2=zk2.example.com:2888:3888;2181\r\n" +
            "server.3=[2001:db8::3]:2888:3888:observer;[::]:2181\r\n" +
            "server.4=fd00::4:2888:3888\r\n");

        var status = await ZooKeeper.GetZooKeeperStatusAsync(new GetZooKeeperStatusRequest { Timeout = Google.Protobuf.WellKnownTypes.Duration.FromTimeSpan(TimeSpan.FromSeconds(2)) });

        Assert.Equal(2, status.VotingMembers);
    }

    [Fact]
    public async Task WriteMyId_ZooCfgNamesAnotherDataDir_WritesOnlyTheConfiguredDataDir()
    {
        // zoo.cfg on disk as an earlier caller (or anyone) might have left it: the agent must not take its dataDir.
        await File.WriteAllTextAsync(_fixture.ZooCfgPath, SetLine(_fixture.BaselineZooCfg, "dataDir", _fixture.OtherDataDir));
        Directory.CreateDirectory(_fixture.OtherDataDir);

        var written = await ZooKeeper.WriteMyIdAsync(new WriteMyIdRequest { Context = Context(), ServerId = 7, ExpectedSha256 = "*" });

        Assert.Equal(Path.Combine(_fixture.DataDir, "myid"), Assert.Single(written.Files).Path);
        Assert.Equal("7\n", await File.ReadAllTextAsync(Path.Combine(_fixture.DataDir, "myid")));
        Assert.False(File.Exists(Path.Combine(_fixture.OtherDataDir, "myid")));
    }

    [Fact]
    public async Task ResetDataDir_ZooCfgNamesAnotherDataDir_ResetsOnlyTheConfiguredDataDir()
    {
        var ours = Path.Combine(_fixture.DataDir, "version-2", "log.1");
        var theirs = Path.Combine(_fixture.OtherDataDir, "version-2", "log.1");
        foreach (var file in new[] { ours, theirs })
        {
            Directory.CreateDirectory(Path.GetDirectoryName(file)!);
            await File.WriteAllTextAsync(file, "txn");
        }

        await File.WriteAllTextAsync(_fixture.ZooCfgPath, SetLine(_fixture.BaselineZooCfg, "dataDir", _fixture.OtherDataDir));
        await ZooKeeper.ReleaseLeaseAsync(new ReleaseLeaseRequest { PlanId = CallerValidationFixture.CallerPlan, Holder = CallerValidationFixture.CallerHolder });
        await ZooKeeper.AcquireLeaseAsync(new AcquireLeaseRequest { PlanId = "plan-reset", Holder = "holder-reset", DestinationHosts = { "zk-test" } });
        try
        {
            var reset = await ZooKeeper.ResetDataDirAsync(new ResetDataDirRequest { Context = Context("plan-reset", "holder-reset") });

            Assert.Equal(ours, Assert.Single(reset.Removed));
            Assert.False(File.Exists(ours));
            Assert.True(File.Exists(theirs));
        }
        finally
        {
            await ZooKeeper.ReleaseLeaseAsync(new ReleaseLeaseRequest { PlanId = "plan-reset", Holder = "holder-reset" });
            await ZooKeeper.AcquireLeaseAsync(new AcquireLeaseRequest { PlanId = CallerValidationFixture.CallerPlan, Holder = CallerValidationFixture.CallerHolder, Ttl = Google.Protobuf.WellKnownTypes.Duration.FromTimeSpan(TimeSpan.FromHours(1)) });
        }
    }

    [Theory]
    [InlineData("0000000000000000000000000000000000000000000000000000000000000000")]
    [InlineData("")]
    public async Task WriteZooConfig_IdenticalContentWithStaleSha256_UnchangedNotAConflict(string expected)
    {
        var written = await ZooKeeper.WriteZooConfigAsync(new WriteZooConfigRequest { Context = Context(), ExpectedSha256 = expected, Content = _fixture.BaselineZooCfg });

        Assert.False(written.Changed);
        Assert.Empty(written.Backups);
        AssertFilesAsBaseline();
    }

    [Fact]
    public async Task WriteZooConfig_MembersInContentOnANodeWithADynamicFile_WrittenToTheDynamicFile()
    {
        var members = $"server.1=[::1]:2888:3888:participant;[::1]:{_fixture.ClientPort}\nserver.2=zk2.example:2888:3888:observer\n";
        var content = $"# caller validation\ntickTime=2000\ndataDir={_fixture.DataDir}\nclientPort={_fixture.ClientPort}\n" + members;

        var written = await ZooKeeper.WriteZooConfigAsync(new WriteZooConfigRequest { Context = Context(), ExpectedSha256 = "*", Content = content });
        var read = await ZooKeeper.ReadConfigAsync(new ReadConfigRequest());

        Assert.True(written.Changed);
        Assert.Equal(["zoo.cfg", "dynamic"], written.Files.Select(f => f.Kind));
        Assert.Equal($"# caller validation\ntickTime=2000\ndataDir={_fixture.DataDir}\nclientPort={_fixture.ClientPort}\ndynamicConfigFile={_fixture.DynamicPath}\n", await File.ReadAllTextAsync(_fixture.ZooCfgPath));
        Assert.Equal("server.1=[::1]:2888:3888:participant;[::1]:" + _fixture.ClientPort + "\nserver.2=zk2.example:2888:3888:observer\n", await File.ReadAllTextAsync(_fixture.DynamicPath));
        Assert.Equal(await File.ReadAllTextAsync(_fixture.DynamicPath), read.Dynamic.Content);
    }

    [Theory]
    [InlineData("zk1:2181/kafka\n")]
    [InlineData("zk1:2181/kafka\u0000")]
    [InlineData("zk1:2181/ka\u001bfka")]
    [InlineData("zk1:2181\r")]
    [InlineData("zk1:2181\nlog.dirs=/tmp/x")]
    public async Task SetKafkaZookeeperConnect_ControlCharacter_RefusedAndFileUnchanged(string connect)
    {
        var error = await Assert.ThrowsAsync<RpcException>(() => Kafka.SetKafkaZookeeperConnectAsync(new SetKafkaZookeeperConnectRequest { Context = Context(), ZookeeperConnect = connect, ExpectedSha256 = "*" }).ResponseAsync);

        AssertInvalid(error, "zookeeper_connect");
        Assert.Equal(CallerValidationFixture.BaselineServerProperties, await File.ReadAllTextAsync(_fixture.ServerPropertiesPath));
    }

    [Fact]
    public async Task SetKafkaZookeeperConnect_SameValueWithStaleSha256_Unchanged()
    {
        var written = await Kafka.SetKafkaZookeeperConnectAsync(new SetKafkaZookeeperConnectRequest { Context = Context(), ZookeeperConnect = "zk1:2181/kafka", ExpectedSha256 = new string('0', 64) });

        Assert.False(written.Changed);
        Assert.Equal(CallerValidationFixture.BaselineServerProperties, await File.ReadAllTextAsync(_fixture.ServerPropertiesPath));
    }

    [Fact]
    public async Task SetKafkaZookeeperConnect_MixedLineEndings_OnlyTheValueChanges()
    {
        var written = await Kafka.SetKafkaZookeeperConnectAsync(new SetKafkaZookeeperConnectRequest { Context = Context(), ZookeeperConnect = "d1:2181,d2:2181/kafka", ExpectedSha256 = "*" });

        Assert.True(written.Changed);
        Assert.Equal("broker.id=1\r\nzookeeper.connect=d1:2181,d2:2181/kafka\nlog.dirs=/var/lib/kafka", await File.ReadAllTextAsync(_fixture.ServerPropertiesPath));
    }

    private void AssertFilesAsBaseline()
    {
        Assert.Equal(_fixture.BaselineZooCfg, File.ReadAllText(_fixture.ZooCfgPath));
        Assert.Equal(_fixture.BaselineDynamic, File.ReadAllText(_fixture.DynamicPath));
        Assert.Equal([_fixture.ZooCfgPath, _fixture.DynamicPath], Directory.GetFiles(_fixture.ConfDirectory).Order(StringComparer.Ordinal));
    }

    private static void AssertInvalid(RpcException error, string field)
    {
        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        var detail = error.GetRpcStatus()?.GetDetail<BadRequest>() ?? throw new InvalidOperationException($"no BadRequest detail in {error.Status}");
        Assert.Equal(field, Assert.Single(detail.FieldViolations).Field);
        Assert.DoesNotContain('\n', error.Status.Detail);
        Assert.DoesNotContain('\0', error.Status.Detail);
    }

    /// <summary><paramref name="text"/> with the line of <paramref name="key"/> replaced (or added) as <c>key=value</c>.</summary>
    private static string SetLine(string text, string key, string value)
    {
        var lines = text.Split('\n').Where(l => l.Length > 0 && !l.StartsWith(key + "=", StringComparison.Ordinal)).Append($"{key}={value}");
        return string.Join('\n', lines) + "\n";
    }

    private static MutationContext Context(string plan = CallerValidationFixture.CallerPlan, string holder = CallerValidationFixture.CallerHolder) =>
        new() { PlanId = plan, OperationId = Guid.NewGuid().ToString("N"), LeaseHolder = holder };
}
