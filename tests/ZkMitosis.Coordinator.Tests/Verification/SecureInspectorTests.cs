using System.Runtime.Versioning;
using System.Text;
using ZkMitosis.Coordinator.Plans;
using ZkMitosis.Coordinator.Security;
using ZkMitosis.Coordinator.Verification;
using ZkMitosis.Testing;
using ZkMitosis.Testing.Security;
using ZkMitosis.ZooKeeper;
using ZkMitosis.ZooKeeper.Security;

namespace ZkMitosis.Coordinator.Tests.Verification;

/// <summary>
/// One real ZooKeeper 3.8 with a TLS client port and SASL DIGEST-MD5 required of every session
/// (<c>zookeeper.sessionRequireClientSASLAuth=true</c>), holding a Kafka chroot whose every znode only the SASL user
/// <c>kafka</c> may read (Kafka's <c>zookeeper.set.acl=true</c>, with a SCRAM node under <c>/config/users</c>).
/// </summary>
[UnsupportedOSPlatform("windows")]
public sealed class SecureKafkaTreeFixture : IAsyncLifetime
{
    public const string KafkaPassword = "kafka-Inspector-S3cret";
    public const string OtherPassword = "other-Inspector-S3cret";

    /// <summary>The persistent znodes of the chroot, the chroot included.</summary>
    public static readonly string[] Persistent = ["/kafka", "/kafka/brokers", "/kafka/brokers/ids", "/kafka/brokers/topics", "/kafka/config", "/kafka/config/users", "/kafka/config/users/alice", "/kafka/controller_epoch"];

    private readonly TestDirectory _directory = new("secure-inspector");
    private SecureZooKeeper? _server;
    private ZooKeeperClient? _broker;

    public string Directory => _directory.Path;

    public TestPki Pki { get; private set; } = null!;

    public SecureZooKeeper Server => _server ?? throw new InvalidOperationException("not started");

    public long BrokerSession => _broker!.SessionId;

    public async Task InitializeAsync()
    {
        Pki = TestPki.Create(Path.Combine(Directory, "pki"));
        File.SetUnixFileMode(Pki.ClientKeyFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        _server = await SecureZooKeeper.StartAsync(Path.Combine(Directory, "zk"), Pki, Pki.ServerKeyStoreFile,
            new Dictionary<string, string> { ["kafka"] = KafkaPassword, ["other"] = OtherPassword });
        var options = new ZooKeeperClientOptions
        {
            ConnectTimeout = TimeSpan.FromSeconds(5),
            Tls = new ZooKeeperTlsOptions { CaFile = Pki.CaFile, CertificateFile = Pki.ClientCertificateFile, KeyFile = Pki.ClientKeyFile },
            Sasl = new ZooKeeperSaslCredentials("kafka", KafkaPassword),
        };
        ZooKeeperAcl[] kafkaOnly = [new ZooKeeperAcl(ZooKeeperPermissions.All, "sasl", "kafka")];
        await using (var admin = await ZooKeeperClient.ConnectAsync(Server.SecureConnectString, options))
        {
            foreach (var path in Persistent)
            {
                var data = path switch
                {
                    "/kafka/controller_epoch" => "7",
                    "/kafka/config/users/alice" => "{\"version\":1,\"config\":{\"SCRAM-SHA-512\":\"salt=c2FsdA==,stored_key=a2V5,server_key=c2VydmVy,iterations=4096\"}}",
                    _ => "",
                };
                await admin.CreateAsync(path, Encoding.UTF8.GetBytes(data), acl: kafkaOnly);
            }
        }

        _broker = await ZooKeeperClient.ConnectAsync(Server.SecureConnectString + "/kafka", options);
        await _broker.CreateAsync("/brokers/ids/1", Encoding.UTF8.GetBytes("{}"), CreateMode.Ephemeral, acl: kafkaOnly);
    }

    /// <summary>A credentials file (JAAS Client section), owner-only as the plan requires.</summary>
    public string Credentials(string user, string password)
    {
        var path = SecureZooKeeper.WriteJaasClientFile(Directory, user, password);
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        return path;
    }

    /// <summary>
    /// A plan whose source is this server: with <paramref name="credentials"/>, its security section (TLS with the
    /// test CA and client certificate, SASL with that file); without, none.
    /// <paramref name="clientPort"/> replaces the server's plain client port in the plan (a port nothing listens on
    /// stands for a server that takes TLS clients only).
    /// </summary>
    public MigrationPlan Plan(string? credentials, int? clientPort = null)
    {
        var plain = clientPort ?? int.Parse(Server.PlainConnectString.Split(':')[1], System.Globalization.CultureInfo.InvariantCulture);
        var security = credentials is null ? "" : $$"""
              security:
                clientTls: { ca: {{Pki.CaFile}}, certificate: {{Pki.ClientCertificateFile}}, key: {{Pki.ClientKeyFile}} }
                clientAuth: { scheme: sasl, credentials: {{credentials}} }
                requireClientSasl: true
            """;
        var destinationSecurity = credentials is null ? "" : $$"""
              security:
                clientAuth: { scheme: sasl, credentials: {{credentials}} }
                requireClientSasl: true
            """;
        return PlanLoader.Load($$"""
            planId: secure-inspector
            chroot: /kafka
            source:
            {{security}}
              servers:
                - { id: 1, host: 127.0.0.1, clientPort: {{plain}}, secureClientPort: {{Server.SecurePort}}, quorumPort: {{FreePorts.Next()}}, electionPort: {{FreePorts.Next()}}, agent: 127.0.0.1:7443 }
            destination:
            {{destinationSecurity}}
              servers:
                - id: 4
                  host: 127.0.0.2
                  clientPort: 2181
                  secureClientPort: 2182
                  quorumPort: 2888
                  electionPort: 3888
                  agent: 127.0.0.2:7443
                  hostSecurity:
                    clientTls: { keyStore: /etc/zookeeper/tls/server.pem, trustStore: /etc/zookeeper/tls/ca.pem, type: PEM }
                    jaas: /etc/zookeeper/jaas.conf
            kafka:
              brokers:
                - { id: 1, agent: 127.0.0.3:7443 }
            tls:
              insecure: true
            """);
    }

    public async Task DisposeAsync()
    {
        if (_broker is not null)
        {
            await _broker.DisposeAsync();
        }

        if (_server is not null)
        {
            await _server.DisposeAsync();
        }

        _directory.Dispose();
    }
}

/// <summary>
/// The coordinator's inspector built from a plan with a security section reads a TLS + SASL-only source whose chroot
/// only the tenant's SASL user may read; without the plan's security, or with the wrong credentials, it fails in one
/// line that names the cause and never a password.
/// </summary>
[UnsupportedOSPlatform("windows")]
public sealed class SecureInspectorTests(SecureKafkaTreeFixture fixture) : IClassFixture<SecureKafkaTreeFixture>
{
    [Fact]
    public async Task The_plans_security_reads_a_chroot_only_the_SASL_user_may_read_over_TLS()
    {
        var plan = fixture.Plan(fixture.Credentials("kafka", SecureKafkaTreeFixture.KafkaPassword));
        var inspector = new ZooKeeperClusterInspector { Plan = plan };

        Assert.True(await inspector.ExistsAsync(plan.Source, plan.Chroot, default));
        var snapshot = await inspector.SnapshotAsync(plan.Source, plan.Chroot, default);
        Assert.Equal(SecureKafkaTreeFixture.Persistent.Order(StringComparer.Ordinal), snapshot.Nodes.Where(n => !n.Value.Ephemeral).Select(n => n.Key));
        Assert.True(snapshot.Nodes["/kafka/brokers/ids/1"].Ephemeral);
        Assert.Matches("^[0-9a-f]{64}$", snapshot.Digest);
        var kafka = await inspector.ReadKafkaStateAsync(plan.Source, plan.Chroot, default);
        Assert.Equal(7, kafka.ControllerEpoch);
        Assert.Equal(fixture.BrokerSession, Assert.Single(kafka.Brokers).Value.SessionId);
        var observation = await inspector.ObserveServerAsync(plan.Source[0], default);
        Assert.True(observation.Serving, observation.Error);
        Assert.Equal("standalone", observation.Mode);
    }

    [Fact]
    public async Task With_client_TLS_the_server_is_observed_by_srvr_over_TLS_on_its_secure_port()
    {
        // Nothing listens on the plan's clientPort: only the secureClientPort can answer.
        var plan = fixture.Plan(fixture.Credentials("kafka", SecureKafkaTreeFixture.KafkaPassword), clientPort: FreePorts.Next());
        var inspector = new ZooKeeperClusterInspector { Plan = plan };

        var observation = await inspector.ObserveServerAsync(plan.Source[0], default);

        Assert.True(observation.Serving, observation.Error);
        Assert.Equal("standalone", observation.Mode);
        Assert.True(observation.Zxid > 0);
    }

    [Fact]
    public async Task With_client_TLS_and_a_CA_that_did_not_sign_the_server_the_observation_names_the_certificate_problem()
    {
        var plan = fixture.Plan(fixture.Credentials("kafka", SecureKafkaTreeFixture.KafkaPassword));
        var source = plan.SourceSecurity with { ClientTls = plan.SourceSecurity.ClientTls! with { Ca = fixture.Pki.OtherCaFile } };
        var inspector = new ZooKeeperClusterInspector { Plan = plan with { SourceSecurity = source } };

        var observation = await inspector.ObserveServerAsync(plan.Source[0], default);

        Assert.False(observation.Serving);
        Assert.DoesNotContain('\n', observation.Error!);
        Assert.Contains($":{fixture.Server.SecurePort}: TLS failed: ", observation.Error, StringComparison.Ordinal);
        Assert.Contains("not trusted", observation.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_the_plans_security_the_read_fails_in_one_line_naming_what_the_plan_lacks()
    {
        var plan = fixture.Plan(credentials: null);
        var inspector = new ZooKeeperClusterInspector { Plan = plan };

        var error = await Assert.ThrowsAsync<EnsembleAccessException>(() => inspector.SnapshotAsync(plan.Source, plan.Chroot, default));

        Assert.DoesNotContain('\n', error.Message);
        Assert.StartsWith("source (127.0.0.1:", error.Message, StringComparison.Ordinal);
        Assert.Contains("requires SASL", error.Message, StringComparison.Ordinal);
        Assert.Contains("give source.security.clientAuth with scheme sasl", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_wrong_password_fails_in_one_line_that_shows_no_password()
    {
        const string wrong = "wrong-Inspector-Pa55";
        var plan = fixture.Plan(fixture.Credentials("kafka", wrong));
        var inspector = new ZooKeeperClusterInspector { Plan = plan };

        var error = await Assert.ThrowsAsync<EnsembleAccessException>(() => inspector.SnapshotAsync(plan.Source, plan.Chroot, default));

        Assert.DoesNotContain('\n', error.Message);
        Assert.Contains("cannot open a session", error.Message, StringComparison.Ordinal);
        Assert.Contains("'kafka'", error.Message, StringComparison.Ordinal);
        foreach (var password in new[] { wrong, SecureKafkaTreeFixture.KafkaPassword })
        {
            Assert.DoesNotContain(password, error.ToString(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Another_SASL_user_is_refused_by_the_ACL_in_one_line()
    {
        var plan = fixture.Plan(fixture.Credentials("other", SecureKafkaTreeFixture.OtherPassword));
        var inspector = new ZooKeeperClusterInspector { Plan = plan };

        var error = await Assert.ThrowsAsync<EnsembleAccessException>(() => inspector.SnapshotAsync(plan.Source, plan.Chroot, default));

        Assert.DoesNotContain('\n', error.Message);
        Assert.Contains("NoAuth", error.Message, StringComparison.Ordinal);
        Assert.Contains("the ACL does not let the user of source.security.clientAuth read it", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(SecureKafkaTreeFixture.OtherPassword, error.ToString(), StringComparison.Ordinal);
    }
}
