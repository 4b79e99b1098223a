using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;
using Google.Protobuf.WellKnownTypes;
using ZkMitosis.Agent.Tests.Support;
using ZkMitosis.Agent.V1;
using ZkMitosis.Lab.Servers;
using ZkMitosis.Testing;
using ZkMitosis.ZooKeeper;
using ZkMitosis.ZooKeeper.Config;
using AgentTlsSettings = ZkMitosis.Coordinator.Agents.AgentTlsSettings;

namespace ZkMitosis.Agent.Tests.Grpc;

/// <summary>
/// Issue 13, for real: a source server running quorum TLS (<c>sslQuorum=true</c>, PEM stores from real certificates)
/// and a destination node whose zoo.cfg the agent renders from the source's settings (read as the coordinator reads
/// them) with its own key and trust stores. The destination joins as an observer over TLS and syncs; the source's
/// inline password reaches no output of the run.
/// </summary>
public sealed class AgentSecureObserverJoinTests : IAsyncLifetime
{
    private const string Plan = "plan-secure-join";
    private const string Secret = "Src-Inline-Pw-40417";
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    private readonly TestDirectory _directory = new("zkat-secjoin");
    private ZooKeeperServerProcess? _source;
    private ZooKeeperServiceScript? _destination;
    private AgentProcess? _agent;
    private global::Grpc.Net.Client.GrpcChannel? _channel;

    private string Pki => Path.Combine(_directory.Path, "pki");

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        _channel?.Dispose();
        if (_agent is not null)
        {
            await _agent.DisposeAsync();
        }

        if (_destination is not null)
        {
            await _destination.DisposeAsync();
        }

        if (_source is not null)
        {
            await _source.DisposeAsync();
        }

        _directory.Dispose();
    }

    [Fact]
    public async Task ObserverJoin_SourceWithQuorumTls_DestinationRenderedWithItsOwnStoresSyncsAndNoPasswordIsShown()
    {
        var (ca, sourceStore, destinationStore) = WritePki(Pki);
        var sourceMember = new QuorumMember(1, "127.0.0.1", FreePorts.Next(), FreePorts.Next());
        var destinationMember = new QuorumMember(2, "127.0.0.1", FreePorts.Next(), FreePorts.Next(), IsObserver: true);
        _source = new ZooKeeperServerProcess(new ZooKeeperServerConfig
        {
            Directory = Path.Combine(_directory.Path, "source"),
            ServerId = 1,
            ClientPort = FreePorts.Next(),
            Members = [sourceMember],
            JvmHeap = "128m",
            ExtraOptions = new Dictionary<string, string>
            {
                // A quorum of one (no standalone mode), so it has a quorum port for an observer to join over TLS.
                ["standaloneEnabled"] = "false",
                ["serverCnxnFactory"] = "org.apache.zookeeper.server.NettyServerCnxnFactory",
                ["sslQuorum"] = "true",
                ["ssl.quorum.keyStore.location"] = sourceStore,
                ["ssl.quorum.keyStore.type"] = "PEM",
                ["ssl.quorum.trustStore.location"] = ca,
                ["ssl.quorum.trustStore.type"] = "PEM",
                ["ssl.quorum.hostnameVerification"] = "false",
                // An inline password on the source (its client store, unused without secureClientPort): it must not travel.
                ["ssl.keyStore.location"] = sourceStore,
                ["ssl.keyStore.password"] = Secret,
            },
        });
        _source.Start();
        await _source.WaitUntilServingAsync(Bound);
        var sourceConnect = $"127.0.0.1:{_source.Config.ClientPort}";
        await using (var zk = await ZooKeeperClient.ConnectAsync(sourceConnect))
        {
            for (var i = 0; i < 20; i++)
            {
                await zk.CreateAsync($"/before-{i}", Encoding.UTF8.GetBytes($"v{i}"), CreateMode.Persistent);
            }
        }

        _destination = new ZooKeeperServiceScript(Path.Combine(_directory.Path, "destination"));
        await File.WriteAllTextAsync(_destination.ZooCfgPath, _destination.StandaloneZooCfg());
        var config = AgentProcess.ZooKeeperConfig(_destination.Directory, _destination.ZooCfgPath, FreePorts.Next(), FreePorts.Next(), commands: _destination.Commands, dataDir: _destination.DataDirectory);
        ((JsonObject)config["ZooKeeper"]!)["Security"] = new JsonObject
        {
            ["KeyStore"] = destinationStore,
            ["KeyStoreType"] = "PEM",
            ["TrustStore"] = ca,
            ["TrustStoreType"] = "PEM",
        };
        Directory.CreateDirectory(_destination.DataDirectory);
        _agent = await AgentProcess.StartAsync(config, _destination.Directory);
        _channel = _agent.Connect(AgentTlsSettings.InsecureLab).Channel;
        var client = new ZkMitosis.Agent.V1.Agent.AgentClient(_channel);
        await TestLease.TakeAsync(client, Plan, "zk-test");

        // What the coordinator sends: the destination's file with the joint members, and the source's settings as read.
        var security = ZooKeeperSecurityKeys.SettingsOf(await File.ReadAllTextAsync(_source.Config.ConfigPath)).ToDictionary();
        // standaloneEnabled=false: the source's one voter would otherwise make ZooKeeper refuse "observers w/o quorum".
        var observer = _destination.StandaloneZooCfg() + "standaloneEnabled=false\npeerType=observer\n" + sourceMember.ToConfigLine() + "\n" + destinationMember.ToConfigLine() + "\n";

        // migrate check's dry run of a content carrying an inline password: shown masked.
        var dryRun = await client.RenderPlannedFilesAsync(new RenderPlannedFilesRequest { ZooCfgContent = observer + $"ssl.quorum.keyStore.password={Secret}\n" }, deadline: Deadline());
        Assert.Contains($"ssl.quorum.keyStore.password={ZooKeeperSecurityKeys.MaskedValue}", dryRun.Files[0].PlannedContent, StringComparison.Ordinal);

        var rendered = await client.RenderPlannedFilesAsync(new RenderPlannedFilesRequest { ZooCfgContent = observer, SourceSecurity = { security } }, deadline: Deadline());
        var write = new WriteZooConfigRequest { Context = TestLease.Context(Plan, $"{Plan}/join/config"), ExpectedSha256 = "*", Content = observer, SourceSecurity = { security } };
        var written = await client.WriteZooConfigAsync(write, deadline: Deadline());
        await client.WriteMyIdAsync(new WriteMyIdRequest { Context = TestLease.Context(Plan, $"{Plan}/join/myid"), ServerId = 2, ExpectedSha256 = "*" }, deadline: Deadline());

        var onDisk = await File.ReadAllTextAsync(_destination.ZooCfgPath);
        Assert.Equal(rendered.Files[0].PlannedContent, onDisk);
        var properties = PropertiesText.Parse(onDisk);
        Assert.Equal("true", properties.Get("sslQuorum"));
        Assert.Equal("org.apache.zookeeper.server.NettyServerCnxnFactory", properties.Get("serverCnxnFactory"));
        Assert.Equal(destinationStore, properties.Get("ssl.quorum.keyStore.location"));
        Assert.Equal(destinationStore, properties.Get("ssl.keyStore.location"));
        Assert.Equal(ca, properties.Get("ssl.quorum.trustStore.location"));
        Assert.DoesNotContain(sourceStore, onDisk, StringComparison.Ordinal);

        ControlServiceResponse started;
        try
        {
            started = await client.ControlServiceAsync(new ControlServiceRequest
            {
                Context = TestLease.Context(Plan, $"{Plan}/join/start"),
                Action = ServiceAction.Start,
                Ready = ReadyCondition.Serving,
                Timeout = Duration.FromTimeSpan(Bound),
            }, deadline: Deadline(Bound * 2));
        }
        catch (global::Grpc.Core.RpcException e)
        {
            var log = File.Exists(_destination.LogPath) ? string.Join('\n', File.ReadLines(_destination.LogPath).TakeLast(30)) : "(no log)";
            throw new InvalidOperationException($"the observer did not serve: {e.Status.Detail}\nobserver log:\n{log}\nsource log:\n{_source.LogTail(20)}", e);
        }

        Assert.Equal(ReadyCondition.Serving, started.Ready);
        var status = await client.GetZooKeeperStatusAsync(new GetZooKeeperStatusRequest(), deadline: Deadline());
        Assert.Equal(ZooKeeperMode.Observer, status.Mode);

        // Synced: what the source had before the join, and what it commits after.
        await using (var zk = await ZooKeeperClient.ConnectAsync(sourceConnect))
        {
            await zk.CreateAsync("/after", "joined"u8.ToArray(), CreateMode.Persistent);
        }

        await using (var observerClient = await ZooKeeperClient.ConnectAsync(_destination.ConnectString))
        {
            await observerClient.SyncAsync("/after");
            Assert.Equal("v19", Encoding.UTF8.GetString((await observerClient.GetDataAsync("/before-19")).Data!));
            Assert.Equal("joined", Encoding.UTF8.GetString((await observerClient.GetDataAsync("/after")).Data!));
        }

        // The source's password reached no output: the agent's log, the server's log, any file the agent or the
        // destination server wrote (zoo.cfg, its backup, the operation records), and the answers.
        var outputs = new List<(string Name, string Text)>
        {
            ("agent output", _agent.Output),
            ("rendered", rendered.ToString()),
            ("written", written.ToString()),
            ("status", status.ToString()),
            ("sent settings", string.Join('\n', security.Select(s => $"{s.Key}={s.Value}"))),
        };
        outputs.AddRange(Directory.EnumerateFiles(_destination.Directory, "*", SearchOption.AllDirectories)
            .Select(f => (f, Encoding.Latin1.GetString(File.ReadAllBytes(f)))));
        Assert.True(outputs.Count > 8, $"only {outputs.Count} outputs to look at");
        Assert.All(outputs, o => Assert.False(o.Text.Contains(Secret, StringComparison.Ordinal), $"the password is in {o.Name}"));
    }

    private static DateTime Deadline(TimeSpan? bound = null) => DateTime.UtcNow + (bound ?? Bound);

    /// <summary>A CA and two server identities (the source's and the destination's), each usable as TLS server and client as quorum peers are, written as PEM key stores (key, certificate, CA).</summary>
    private static (string Ca, string Source, string Destination) WritePki(string directory)
    {
        Directory.CreateDirectory(directory);
        var now = DateTimeOffset.UtcNow;
        using var caKey = RSA.Create(2048);
        var caRequest = new CertificateRequest("CN=zkmitosis quorum test CA", caKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        caRequest.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(caRequest.PublicKey, false));
        using var ca = caRequest.CreateSelfSigned(now.AddDays(-1), now.AddDays(30));
        var caFile = Path.Combine(directory, "ca.pem");
        File.WriteAllText(caFile, ca.ExportCertificatePem() + "\n");
        return (caFile, Leaf(directory, "source", ca, caKey, now), Leaf(directory, "destination", ca, caKey, now));
    }

    private static string Leaf(string directory, string name, X509Certificate2 ca, RSA caKey, DateTimeOffset now)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest($"CN=zookeeper {name}", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1"), new Oid("1.3.6.1.5.5.7.3.2")], false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(ca, true, false));
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7f;
        using var certificate = request.Create(ca.SubjectName, X509SignatureGenerator.CreateForRSA(caKey, RSASignaturePadding.Pkcs1), now.AddDays(-1), now.AddDays(30), serial);
        var path = Path.Combine(directory, $"{name}.pem");
        File.WriteAllText(path, key.ExportPkcs8PrivateKeyPem() + "\n" + certificate.ExportCertificatePem() + "\n" + ca.ExportCertificatePem() + "\n");
        return path;
    }
}
