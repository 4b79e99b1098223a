using ZkMitosis.KafkaStandIn;
using ZkMitosis.Lab.Populate;
using ZkMitosis.Testing.Security;
using ZkMitosis.ZooKeeper;
using ZkMitosis.ZooKeeper.Security;

namespace ZkMitosis.Lab.Tests.KafkaStandIn.Secure;

/// <summary>
/// The broker stand-in and the populator on a secured ZooKeeper, as Kafka runs with KIP-515 TLS, SASL and
/// <c>zookeeper.set.acl=true</c>: TLS from server.properties, SASL from <c>--jaas</c>, Kafka's ACLs on every znode.
/// </summary>
[Collection(LabCollection.Name)]
public sealed class SecureStandInTests : IClassFixture<SecureZooKeeperFixture>
{
    private static readonly ZooKeeperAcl WorldRead = new(ZooKeeperPermissions.Read, "world", "anyone");
    private readonly SecureZooKeeperFixture _zk;

    public SecureStandInTests(SecureZooKeeperFixture zk)
    {
        _zk = zk;
    }

    [Fact]
    public async Task BrokerStandIn_TlsAndJaasWithSetAcl_RegistersAndItsZnodesCarryKafkasAcls()
    {
        var chroot = await CreateChrootAsync();
        using var standIn = StandInProcess.Start(StatePath(), "--config", WriteServerProperties(chroot), "--jaas", SecureZooKeeper.WriteJaasClientFile(_zk.Directory, "alice", SecureZooKeeperFixture.AlicePassword));

        var state = await StandInState.WaitForAsync(standIn.StatePath, s => s.Registered && s.IsController && s.LastAcknowledgedSerial >= 2);

        await using var alice = await _zk.ConnectAsync("alice", SecureZooKeeperFixture.AlicePassword, chroot);
        var aliceAll = new ZooKeeperAcl(ZooKeeperPermissions.All, "sasl", "alice");
        foreach (var path in new[] { "/brokers", "/brokers/ids", "/brokers/ids/1", "/controller", "/controller_epoch", "/isr_change_notification", SerialWriter.PathFor(KafkaBrokerStandIn.WritePathPrefix(1), 1), "/config/topics" })
        {
            var acl = (await alice.GetAclAsync(path)).Acl;
            Assert.True(acl.Contains(aliceAll) && acl.Contains(WorldRead), $"{path}: {string.Join(", ", acl)}; {standIn.Output}");
            Assert.DoesNotContain(acl, entry => entry.Scheme == "world" && entry.Permissions != ZooKeeperPermissions.Read);
        }

        foreach (var path in new[] { "/config/users", "/config/brokers" })
        {
            var acl = (await alice.GetAclAsync(path)).Acl;
            Assert.Contains(aliceAll, acl);
            Assert.DoesNotContain(acl, entry => entry.Scheme == "world");
        }

        // Another principal reads what is world-readable and not a sensitive node. Over the plain port: the creator ACL
        // also names the client certificate's x509 identity, as it would for a Kafka broker with mTLS and SASL.
        await using var bob = await _zk.ConnectPlainAsync("bob", SecureZooKeeperFixture.BobPassword, chroot);
        Assert.NotNull(await bob.GetDataAsync("/brokers/ids/1"));
        var refused = await Assert.ThrowsAsync<KeeperException>(() => bob.GetChildrenAsync("/config/users"));
        Assert.Equal(KeeperErrorCode.NoAuth, refused.Code);
        Assert.Equal(0, state.SessionExpiries);
    }

    [Fact]
    public async Task BrokerStandIn_WrongSaslPassword_OneLineErrorInLogAndStateAndExits()
    {
        var chroot = await CreateChrootAsync();
        using var standIn = StandInProcess.Start(StatePath(), "--config", WriteServerProperties(chroot), "--jaas", SecureZooKeeper.WriteJaasClientFile(_zk.Directory, "alice", "not-Her-Password"));

        var exit = await standIn.WaitForExitAsync();

        Assert.True(exit == 1, $"exit {exit}; {standIn.Output}");
        var error = standIn.LastError();
        Assert.NotNull(error);
        Assert.Contains("alice", error, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error);
        Assert.DoesNotContain("   at ", standIn.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("not-Her-Password", standIn.Output + error, StringComparison.Ordinal);
        Assert.Contains("refused this client", standIn.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TenantWriter_TlsKeyStoreAndJaas_WritesOnTheSecureEnsemble()
    {
        var root = "/other-" + Guid.NewGuid().ToString("N")[..8];
        using var writer = StandInProcess.Start(
            StatePath(), "tenant-writer", "--connect", _zk.Server.SecureConnectString, "--root", root,
            "--tls-ca", _zk.Pki.CaFile, "--tls-keystore", _zk.ClientKeyStoreFile, "--jaas", SecureZooKeeper.WriteJaasClientFile(_zk.Directory, "bob", SecureZooKeeperFixture.BobPassword));

        var state = await StandInState.WaitForAsync(writer.StatePath, s => s.LastAcknowledgedSerial >= 2);

        await using var bob = await _zk.ConnectAsync("bob", SecureZooKeeperFixture.BobPassword);
        Assert.True((await bob.GetChildrenAsync(root + "/writes")).Children.Count >= state.LastAcknowledgedSerial, writer.Output);
    }

    [Fact]
    public async Task Populator_WithSecurity_EveryZnodeGetsKafkasAclsAndTheScramNodeIsNotWorldReadable()
    {
        var chroot = "/kafka-" + Guid.NewGuid().ToString("N")[..8];
        var security = new ZooKeeperSecurity(_zk.Tls, new ZooKeeperSaslCredentials("alice", SecureZooKeeperFixture.AlicePassword));

        await LabPopulator.PopulateAsync(_zk.Server.SecureConnectString, chroot, topics: 1, partitionsPerTopic: 1, brokers: 1, CancellationToken.None, security);

        await using var alice = await _zk.ConnectAsync("alice", SecureZooKeeperFixture.AlicePassword, chroot);
        var aliceAll = new ZooKeeperAcl(ZooKeeperPermissions.All, "sasl", "alice");
        var scram = (await alice.GetAclAsync("/config/users/" + LabPopulator.ScramUser)).Acl;
        Assert.Contains(aliceAll, scram);
        Assert.DoesNotContain(scram, entry => entry.Scheme == "world");
        var topic = (await alice.GetAclAsync("/brokers/topics/topic-0/partitions/0/state")).Acl;
        Assert.True(topic.Contains(aliceAll) && topic.Contains(WorldRead), string.Join(", ", topic));
        Assert.Contains("SCRAM-SHA-256", System.Text.Encoding.UTF8.GetString((await alice.GetDataAsync("/config/users/" + LabPopulator.ScramUser)).Data), StringComparison.Ordinal);

        // The server requires SASL of every session, so "anonymous" is another SASL user: bob may read what the world may,
        // not alice's credential. Over the plain port, as the creator ACL also names the populator's x509 certificate.
        await using var bob = await _zk.ConnectPlainAsync("bob", SecureZooKeeperFixture.BobPassword, chroot);
        Assert.NotNull(await bob.GetDataAsync("/brokers/topics/topic-0"));
        var refused = await Assert.ThrowsAsync<KeeperException>(() => bob.GetDataAsync("/config/users/" + LabPopulator.ScramUser));
        Assert.Equal(KeeperErrorCode.NoAuth, refused.Code);

        // The other tenant's tree is not Kafka's: open, so that tenant's own writer (another SASL user) writes there.
        await using var other = await _zk.ConnectPlainAsync("bob", SecureZooKeeperFixture.BobPassword);
        await other.CreateAsync(LabPopulator.OtherTenantRoot + "/writes/by-bob-" + Guid.NewGuid().ToString("N")[..8], Array.Empty<byte>());
    }

    /// <summary>A fresh chroot, made as a Kafka admin makes it before the brokers start (the stand-in does not create it).</summary>
    private async Task<string> CreateChrootAsync()
    {
        var chroot = "/kafka-" + Guid.NewGuid().ToString("N")[..8];
        await using var admin = await _zk.ConnectAsync("alice", SecureZooKeeperFixture.AlicePassword);
        await admin.CreateAsync(chroot, ReadOnlyMemory<byte>.Empty, acl: KafkaZnodeAcls.For(string.Empty, secure: true));
        return chroot;
    }

    private string StatePath() => Path.Combine(_zk.Directory, $"state-{Guid.NewGuid():N}.json");

    /// <summary>A broker's server.properties for the secure port, as KIP-515 configures it.</summary>
    private string WriteServerProperties(string chroot)
    {
        var path = Path.Combine(_zk.Directory, $"server-{Guid.NewGuid():N}.properties");
        File.WriteAllText(path, $"""
            broker.id=1
            listeners=PLAINTEXT://127.0.0.1:9092
            zookeeper.connect={_zk.Server.SecureConnectString}{chroot}
            zookeeper.session.timeout.ms=10000
            zookeeper.set.acl=true
            zookeeper.ssl.client.enable=true
            zookeeper.clientCnxnSocket=org.apache.zookeeper.ClientCnxnSocketNetty
            zookeeper.ssl.keystore.location={_zk.ClientKeyStoreFile}
            zookeeper.ssl.keystore.type=PEM
            zookeeper.ssl.truststore.location={_zk.Pki.CaFile}
            zookeeper.ssl.truststore.type=PEM

            """);
        return path;
    }
}
