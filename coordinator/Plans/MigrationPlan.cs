using ZkMitosis.ZooKeeper.Connection;

namespace ZkMitosis.Coordinator.Plans;

/// <summary>Where strategy copy's pre-copy reads the source tree (<c>preCopy:</c> in a plan).</summary>
public enum PreCopySource
{
    /// <summary>
    /// The default: a source learner's agent reads the chroot from its data dir (snapshot plus txn logs, consistent at
    /// one zxid; agent.proto's ReadTree) and the coordinator writes it to the destination. No request reaches the
    /// shared source, ACLs come without a getACL per znode, containers and TTL znodes keep their kind. The live mirror
    /// then catches up from that state through the client. An agent that cannot read it falls back to the client.
    /// </summary>
    Snapshot,

    /// <summary>Through the client API from a source learner (two reads in flight, a getACL per znode).</summary>
    Client,
}

/// <summary>How the destination gets its copy of the data (DESIGN.md "The migration").</summary>
public enum MigrationStrategy
{
    /// <summary>Destination nodes join the source as non-voting observers; the source is never touched. The default.</summary>
    Observer,

    /// <summary>The seed's procedure: some destination nodes join the source as voters, the rest stay dormant.</summary>
    Participant,

    /// <summary>
    /// The seed's "block &amp; copy": the destination is a running ensemble (it may serve other tenants); the moved
    /// chroots are copied and mirrored while the tenants run, then the tenants are stopped, the mirror drained, the
    /// copy verified, and the tenants switched and started (docs/copy-strategy.md).
    /// </summary>
    Copy,
}

/// <summary>
/// <c>merge:</c> of a copy plan: the destination may already hold a non-empty chroot of a moved tenant, which the
/// copy then makes equal to the source's (extra znodes deleted); <see cref="Reason"/> says why that is wanted.
/// </summary>
public sealed record CopyMerge(string Reason);

/// <summary>One ZooKeeper server of the source or the destination.</summary>
/// <param name="Id">The server id (<c>myid</c>, <c>server.N</c>).</param>
/// <param name="Host">Address the other servers, the agents' probes and the coordinator use.</param>
/// <param name="ClientPort">ZooKeeper's client port.</param>
/// <param name="QuorumPort">The port followers and observers connect to the leader on.</param>
/// <param name="ElectionPort">The leader-election port.</param>
/// <param name="Agent">The agent on this host, <c>host:port</c>.</param>
public sealed record ServerSpec(int Id, string Host, int ClientPort, int QuorumPort, int ElectionPort, string Agent)
{
    /// <summary><c>host:clientPort</c> (an IPv6 host in brackets).</summary>
    public string ClientEndpoint => new HostEndpoint(Host, ClientPort).ToString();

    /// <summary><c>host:port</c> of <paramref name="port"/> on this server (an IPv6 host in brackets): a probe target.</summary>
    public string Endpoint(int port) => new HostEndpoint(Host, port).ToString();

    /// <summary>The three TCP ports ZooKeeper listens on.</summary>
    public IReadOnlyList<int> Ports => [ClientPort, QuorumPort, ElectionPort];

    /// <summary>ZooKeeper's <c>secureClientPort</c> (TLS clients), or null when the server has none in the plan.</summary>
    public int? SecureClientPort { get; init; }

    /// <summary>The security files on this host (destination servers only; <see cref="HostSecurity.None"/> otherwise).</summary>
    public HostSecurity HostSecurity { get; init; } = HostSecurity.None;

    /// <summary>
    /// <c>host:port</c> a session of the coordinator opens: the <see cref="SecureClientPort"/> with TLS, else the
    /// client port. A validated plan gives every server a secure port when its ensemble's sessions use TLS.
    /// </summary>
    /// <exception cref="InvalidOperationException"><paramref name="tls"/> and no secure port.</exception>
    public string SessionEndpoint(bool tls) => SessionAddress(tls).ToString();

    /// <summary><see cref="SessionEndpoint"/> as an address: the port the coordinator's sessions and four-letter words use.</summary>
    /// <exception cref="InvalidOperationException"><paramref name="tls"/> and no secure port.</exception>
    public HostEndpoint SessionAddress(bool tls) => new(Host, !tls ? ClientPort
        : SecureClientPort ?? throw new InvalidOperationException($"server {Id} has no secureClientPort"));
}

/// <summary>One Kafka broker, by its <c>broker.id</c> and the agent on its host.</summary>
public sealed record BrokerSpec(int Id, string Agent)
{
    /// <summary>The host part of <see cref="Agent"/> (without brackets): the name or address the broker's ZooKeeper sessions come from.</summary>
    /// <exception cref="FormatException"><see cref="Agent"/> is not host:port (a validated plan's always is).</exception>
    public string Host => HostEndpoint.ParseWithPort(Agent).Host;

    /// <summary>The plan's rack for this broker (<c>rack:</c>), used when its registration in <c>/brokers/ids</c> names none.</summary>
    public string? Rack { get; init; }
}

/// <summary>TLS files for the coordinator's client certificate. <see cref="Insecure"/> (default false) is for rehearsals only.</summary>
public sealed record TlsSpec(string? Ca, string? Certificate, string? Key, bool Insecure);

/// <summary>Bounds on waits. Defaults: agentCall 30s, serverStart 90s, catchUp 120s, brokerRegistration 90s, election 120s, stopGrace 300ms.</summary>
public sealed record PlanTimeouts
{
    public TimeSpan AgentCall { get; init; } = TimeSpan.FromSeconds(30);
    public TimeSpan ServerStart { get; init; } = TimeSpan.FromSeconds(90);
    public TimeSpan CatchUp { get; init; } = TimeSpan.FromSeconds(120);
    public TimeSpan BrokerRegistration { get; init; } = TimeSpan.FromSeconds(90);
    public TimeSpan Election { get; init; } = TimeSpan.FromSeconds(120);

    /// <summary>
    /// The election step stops a destination node that is cut off and no longer serving with SIGTERM, then SIGKILL
    /// after this grace: long enough for a log flush in progress, instead of the JVM's own exit (0.4 s idle, over
    /// 1 s under load, none of it spent on data).
    /// </summary>
    public TimeSpan StopGrace { get; init; } = TimeSpan.FromMilliseconds(300);
}

/// <summary>Pacing. Defaults: poll 200ms, brokerRestartPause 2s.</summary>
public sealed record PlanIntervals
{
    public TimeSpan Poll { get; init; } = TimeSpan.FromMilliseconds(200);
    public TimeSpan BrokerRestartPause { get; init; } = TimeSpan.FromSeconds(2);
}

/// <summary>A validated migration plan (docs/plan-format.md). Built only by <see cref="PlanLoader"/>.</summary>
public sealed record MigrationPlan
{
    public required string PlanId { get; init; }

    /// <summary>The Kafka tenant's chroot, else the first moved tenant's: the subtree the baseline and verification read.</summary>
    public required string Chroot { get; init; }
    public MigrationStrategy Strategy { get; init; } = MigrationStrategy.Observer;

    /// <summary>Destination ids that join the source as voters (participant strategy only; empty otherwise).</summary>
    public IReadOnlyList<int> Joiners { get; init; } = [];
    public required IReadOnlyList<ServerSpec> Source { get; init; }
    public required IReadOnlyList<ServerSpec> Destination { get; init; }

    /// <summary>
    /// Every tenant of the plan, the <c>kafka:</c> shorthand compiled into one (docs/tenants.md): the one model the engine
    /// reads. Moved tenants are switched in this order, each host by host.
    /// </summary>
    public required IReadOnlyList<TenantSpec> Tenants { get; init; }

    /// <summary>The tenants switched to the destination.</summary>
    public IReadOnlyList<TenantSpec> MovedTenants => Tenants.Where(t => t.Moves).ToList();

    /// <summary>The moved Kafka tenant's brokers (Kafka's own checks: partitions, broker epochs), or none.</summary>
    public IReadOnlyList<BrokerSpec> Brokers =>
        Tenants.Where(t => t.Moves && t.Preset == TenantPreset.Kafka).SelectMany(t => t.Hosts).Select(h => new BrokerSpec(h.Id ?? -1, h.Agent) { Rack = h.Rack }).ToList();
    public required TlsSpec Tls { get; init; }

    /// <summary>The source ensemble's security (<c>source.security</c>); <see cref="EnsembleSecurity.None"/> when absent.</summary>
    public EnsembleSecurity SourceSecurity { get; init; } = EnsembleSecurity.None;

    /// <summary>The destination ensemble's security (<c>destination.security</c>); <see cref="EnsembleSecurity.None"/> when absent.</summary>
    public EnsembleSecurity DestinationSecurity { get; init; } = EnsembleSecurity.None;
    public PlanTimeouts Timeouts { get; init; } = new();
    public PlanIntervals Intervals { get; init; } = new();

    /// <summary>Strategy copy: a moved chroot may already hold data on the destination (<c>merge:</c>), or null: it must be absent or empty.</summary>
    public CopyMerge? Merge { get; init; }

    /// <summary>Strategy copy: where the pre-copy reads the source tree (<c>preCopy:</c>); the source learner's data dir by default.</summary>
    public PreCopySource PreCopy { get; init; } = PreCopySource.Snapshot;

    /// <summary>The batched Kafka switch (<c>switch:</c>), or null: one broker at a time.</summary>
    public SwitchSettings? Switch { get; init; }

    /// <summary>SHA-256 of the plan file's text, so a resume can tell the plan changed under it.</summary>
    public string Sha256 { get; init; } = "";

    /// <summary>Destination servers that stay out of the source (participant strategy), or none.</summary>
    public IReadOnlyList<ServerSpec> Dormant => Destination.Where(d => !Joiners.Contains(d.Id)).ToList();

    /// <summary>Every host with an agent: source, destination, the moved tenants' hosts.</summary>
    public IEnumerable<string> AgentAddresses => Source.Select(s => s.Agent).Concat(Destination.Select(d => d.Agent)).Concat(MovedTenants.SelectMany(t => t.Hosts).Select(h => h.Agent));

    /// <summary>
    /// <c>h1:p1,h2:p2,…</c> of the destination, with the chroot: what brokers are switched to (the secure ports when the
    /// destination's sessions use TLS, as <see cref="DestinationConnectFor"/>).
    /// </summary>
    public string DestinationConnect => string.Join(',', Destination.Select(d => d.SessionEndpoint(DestinationSecurity.ClientTls is not null))) + Chroot;

    /// <summary>
    /// <c>h1:p1,…</c> of the source, with the chroot: what brokers point at before the migration (the secure ports when
    /// the source's sessions use TLS, as <see cref="SourceConnectFor"/>).
    /// </summary>
    public string SourceConnect => string.Join(',', Source.Select(s => s.SessionEndpoint(SourceSecurity.ClientTls is not null))) + Chroot;

    /// <summary>
    /// <paramref name="tenant"/>'s connect string on the source, as its hosts have it before the migration: on each
    /// server's <c>secureClientPort</c> when the source's sessions use TLS (<c>security.clientTls</c>; a tenant of a TLS
    /// ensemble, as Kafka with <c>zookeeper.ssl.client.enable</c>, KIP-515), else on the client ports.
    /// </summary>
    public string SourceConnectFor(TenantSpec tenant) => tenant.ConnectFor(Source, SourceSecurity.ClientTls is not null);

    /// <summary>
    /// <paramref name="tenant"/>'s connect string on the destination, what its hosts are switched to: on the
    /// destination's <c>secureClientPort</c>s when its sessions use TLS, so a tenant on TLS stays on TLS.
    /// </summary>
    public string DestinationConnectFor(TenantSpec tenant) => tenant.ConnectFor(Destination, DestinationSecurity.ClientTls is not null);
}
