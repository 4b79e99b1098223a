using System.Security.Cryptography;
using System.Text;
using ZkMitosis.Coordinator.Agents;
using ZkMitosis.Coordinator.Cleanup;
using ZkMitosis.Coordinator.Config;
using ZkMitosis.Coordinator.Engine;
using ZkMitosis.Coordinator.Plans;
using ZkMitosis.Coordinator.Switch;
using ZkMitosis.Coordinator.Verification;

namespace ZkMitosis.Coordinator.Tests.Support;

/// <summary>
/// A simulated source, destination and brokers behind the agent and inspector interfaces. Its destination
/// election is ZooKeeper's at its worst: once a quorum of destination-only nodes runs, the lowest node that a quorum
/// at or below it could vote for leads, and a node that joins later with a higher zxid is truncated.
/// </summary>
internal sealed class FakeWorld : IHostAgentFactory, IClusterInspector
{
    private readonly Dictionary<string, FakeAgent> _agents = new(StringComparer.Ordinal);
    private readonly object _gate = new();

    public FakeWorld(MigrationPlan plan)
    {
        Plan = plan;
        foreach (var s in plan.Source)
        {
            Nodes[s.Id] = new FakeNode(s, IsSource: true) { Running = true, Config = ZooConfig.WithMembers("dataDir=/d\n", MemberSets.SourceOnly(plan), false), DataEmpty = false };
        }

        foreach (var d in plan.Destination)
        {
            Nodes[d.Id] = new FakeNode(d, IsSource: false) { Config = "tickTime=500\ndataDir=/d\n" };
        }

        foreach (var b in plan.Brokers)
        {
            Brokers[b.Id] = new FakeBroker(b) { Connect = plan.SourceConnect, LoadedConnect = plan.SourceConnect, Czxid = 0x100000010 + b.Id, Session = SessionThrough(plan.SourceConnect, 0x7000 + b.Id) };
        }

        // Every tenant other than Kafka: its hosts point at the source and hold one registration each.
        foreach (var tenant in plan.Tenants.Where(t => t.Preset != TenantPreset.Kafka))
        {
            foreach (var host in tenant.Hosts)
            {
                TenantHosts[host.Agent] = new FakeTenantHost(tenant, host) { Connect = tenant.ConnectFor(plan.Source), LoadedConnect = tenant.ConnectFor(plan.Source), Session = SessionThrough(tenant.ConnectFor(plan.Source), 0x9000 + TenantHosts.Count) };
            }
        }
    }

    /// <summary>
    /// A new session of a client whose connect string is <paramref name="connect"/>: created by its first server, whose
    /// id ZooKeeper puts in the session id's top byte (SessionTrackerImpl.initializeNextSessionId); the low bits from
    /// <paramref name="previous"/> + 0x100, so every session differs.
    /// </summary>
    internal long SessionThrough(string connect, long previous)
    {
        var first = connect.Split('/')[0].Split(',')[0];
        var server = Plan.Source.Concat(Plan.Destination).FirstOrDefault(s => s.ClientEndpoint == first)?.Id ?? 0;
        return ((long)server << 56) | ((previous & 0xFFFF_FFFF_FFFF) + 0x100);
    }

    /// <summary>The hosts of tenants other than Kafka, by agent address.</summary>
    public Dictionary<string, FakeTenantHost> TenantHosts { get; } = new(StringComparer.Ordinal);

    /// <summary>Tenant hosts (by agent) whose next restart leaves them down: their registration never comes back.</summary>
    public HashSet<string> TenantHostsThatStayDown { get; } = [];

    /// <summary>The coordinator's hosts file: the names its resolver knows (a name not here resolves to nothing, as an unknown name does).</summary>
    public Dictionary<string, System.Net.IPAddress[]> HostsFile { get; } = new(StringComparer.Ordinal);

    /// <summary>The <c>addresses</c> an agent (by host) is configured with, when a test sets them (default: its address and its names).</summary>
    public Dictionary<string, string[]> AgentAddresses { get; } = new(StringComparer.Ordinal);

    /// <summary>The peers of every isolate request, by destination host.</summary>
    public Dictionary<string, IReadOnlyList<string>> IsolatedPeers { get; } = new(StringComparer.Ordinal);

    /// <summary>The coordinator's resolver over <see cref="HostsFile"/> (<see cref="ZkMitosis.Coordinator.Engine.MigrationServices.ResolveHost"/>).</summary>
    public Task<System.Net.IPAddress[]> ResolveAsync(string host, CancellationToken cancellationToken) =>
        HostsFile.TryGetValue(host, out var addresses)
            ? Task.FromResult(addresses)
            : Task.FromException<System.Net.IPAddress[]>(new System.Net.Sockets.SocketException((int)System.Net.Sockets.SocketError.HostNotFound));

    /// <summary>The address <c>cons</c> shows for a client on <paramref name="host"/>: ZooKeeper prints addresses, never names.</summary>
    public string AddressOf(string host) => HostsFile.TryGetValue(host, out var addresses) ? addresses[0].ToString() : host;

    /// <summary>Source servers answer no <c>cons</c> (ZooKeeper 3.5+'s default whitelist is srvr only): they show no connections.</summary>
    public bool SourceRefusesCons { get; set; }

    /// <summary>Brokers whose restart reports success but leaves the old process running: the old connect string, the old session.</summary>
    public HashSet<int> BrokersThatIgnoreRestart { get; } = [];

    /// <summary>
    /// Brokers that restart (a new session, a new registration) but load the connect string they had before, as when
    /// configuration management writes server.properties back: they come back on the source.
    /// </summary>
    public HashSet<int> BrokersThatComeBackOnTheSource { get; } = [];

    /// <summary>Tenant hosts (by agent) whose session expires when the destination is cut off (they register again under a new one).</summary>
    public HashSet<string> TenantSessionsExpireAtCut { get; } = [];

    /// <summary>What the fake destination holds outside the moved chroots: the tenants that stay, and the source's other data (<c>/other</c>).</summary>
    public List<string> ExtraRoots { get; } = ["/other"];

    public Task<IReadOnlyList<string>> ReadExtraRootsAsync(IReadOnlyList<ServerSpec> servers, CleanupScope scope, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<string>>([.. ExtraRoots.Concat(Plan.Tenants.Where(t => !t.Moves).Select(t => t.Chroot)).Where(r => scope.PlaceOf(r) == CleanupPlace.Extra).Distinct().Order(StringComparer.Ordinal)]);

    public Task<IReadOnlyList<TenantRegistration>> ReadRegistrationsAsync(IReadOnlyList<ServerSpec> servers, string path, string? child, CancellationToken cancellationToken)
    {
        Tick();
        var registrations = TenantHosts.Values
            .Where(h => h.Running && h.Tenant.Chroot + h.Tenant.Health.RegistrationPath == path)
            .Select(h => new TenantRegistration($"{path}/{h.Host.Host}" + (child is null ? "" : "/" + child), h.Session))
            .ToList();
        return Task.FromResult<IReadOnlyList<TenantRegistration>>(registrations);
    }

    public MigrationPlan Plan { get; }
    public Dictionary<int, FakeNode> Nodes { get; } = [];
    public Dictionary<int, FakeBroker> Brokers { get; } = [];
    public long SourceZxid { get; private set; } = 0x100000100;
    public long ControllerEpoch { get; set; } = 7;
    public int? DestinationLeader { get; private set; }
    public List<string> Truncated { get; } = [];

    /// <summary>Agents that do not answer (their pings fail after the retries).</summary>
    public HashSet<string> Unreachable { get; } = [];
    public List<string> Calls { get; } = [];
    public List<string> OperationIds { get; } = [];

    /// <summary>Throws once when a call named like this happens (e.g. "fire", "isolate"), before the agent accepts it: as if the coordinator died before sending it.</summary>
    public HashSet<string> FailOnce { get; } = new(StringComparer.Ordinal);

    /// <summary>Fails the Nth call of a name (counting from 1) as <see cref="FailOnce"/> does.</summary>
    public Dictionary<string, int> FailAtCall { get; } = new(StringComparer.Ordinal);

    /// <summary>Once per name: the agent accepts, acts and records the call as done, but the answer is lost (the coordinator died before journaling it).</summary>
    public HashSet<string> LoseAnswerOnce { get; } = new(StringComparer.Ordinal);

    /// <summary>Once per name: the agent accepts the call and restarts before acting (its record says interrupted; nothing happened).</summary>
    public HashSet<string> InterruptBeforeActOnce { get; } = new(StringComparer.Ordinal);

    /// <summary>Once per name: the agent acts and restarts before recording the end (its record says interrupted; the effect happened); the caller's retry is answered "interrupted".</summary>
    public HashSet<string> InterruptAfterActOnce { get; } = new(StringComparer.Ordinal);

    /// <summary>Once per name: the agent accepts the call and keeps running it for two GetOperation polls (the caller's answer is lost meanwhile).</summary>
    public HashSet<string> RunInBackgroundOnce { get; } = new(StringComparer.Ordinal);

    /// <summary>The agents' operation records by operation id (each agent keeps its own; ids carry the host).</summary>
    public Dictionary<string, FakeOperation> Operations { get; } = new(StringComparer.Ordinal);

    /// <summary>Each agent's live lease, by agent address.</summary>
    public Dictionary<string, (string PlanId, string Holder)> Leases { get; } = new(StringComparer.Ordinal);

    /// <summary>Every time the agent acted (not replayed from its record): "call host".</summary>
    public List<string> Acted { get; } = [];

    /// <summary>Things that must never happen (a destination emptied under a connected broker, a mutation refused by a lease).</summary>
    public List<string> Violations { get; } = [];

    /// <summary>Mutations the agents refused because another holder held the lease.</summary>
    public List<string> Fenced { get; } = [];

    /// <summary>Destination nodes that keep serving after the cut (as if still connected to a leader), until stopped.</summary>
    public HashSet<int> ServesAfterCut { get; } = [];

    /// <summary>Brokers whose next restart stops them and then fails, as when the agent abandons the call of a coordinator that died.</summary>
    public HashSet<int> AbandonNextRestart { get; } = [];

    /// <summary>The racks brokers register with (<c>/brokers/ids/&lt;id&gt;</c> <c>rack</c>); a broker absent here registers none.</summary>
    public Dictionary<int, string?> Racks { get; } = [];

    /// <summary>Kafka's partitions (none by default: Kafka reads as healthy with 6 partitions).</summary>
    public List<FakePartition> Partitions { get; } = [];

    /// <summary>The brokers' <c>min.insync.replicas</c> for partitions without their own.</summary>
    public int DefaultMinInsyncReplicas { get; set; } = 1;

    /// <summary>Reads of Kafka's state a restarted broker stays unregistered for (0: back at once, the default).</summary>
    public int RestartReads { get; set; }

    /// <summary>
    /// By broker: reads of Kafka's state for which its old registration still stands after a restart (its old session
    /// not yet expired: a stop that ended in SIGKILL); then it vanishes for one read, and the broker registers under a
    /// new epoch. A broker not listed (the default) closes its session on stop: the old registration goes at once.
    /// </summary>
    public Dictionary<int, int> OldSessionLingerReads { get; } = [];

    private long _lastBrokerEpoch = 0x200000000;

    /// <summary>The czxid of the next broker registration: newer than every one before it, as zxids are.</summary>
    internal long NextBrokerEpoch() => ++_lastBrokerEpoch;

    /// <summary>Every read of Kafka's state that found a partition offline or below its min.insync.replicas.</summary>
    public List<string> UnderMinIsrSeen { get; } = [];

    /// <summary>The most brokers seen unregistered at one read of Kafka's state.</summary>
    public int MostBrokersDownSeen { get; private set; }

    /// <summary>Held by every agent call that changes the world: the batched switch restarts brokers at once.</summary>
    internal object Gate => _gate;

    /// <summary>
    /// One read of Kafka's state: registered brokers (running and not restarting), every partition's leader and
    /// ISR among them, recorded against min.insync.replicas; a restarting broker comes back after
    /// <see cref="RestartReads"/> reads.
    /// </summary>
    private (Dictionary<int, BrokerRegistration> Registered, List<PartitionPlacement> Partitions) ReadKafka()
    {
        lock (_gate)
        {
            var registered = Brokers.Values.Where(b => (b.Running && b.DownReads == 0) || b.LingerReads > 0)
                .ToDictionary(b => b.Spec.Id, b => new BrokerRegistration(b.Spec.Id, b.Czxid, b.Session));
            foreach (var broker in Brokers.Values.Where(b => b.DownReads > 0))
            {
                broker.DownReads--;
            }

            foreach (var broker in Brokers.Values.Where(b => b.LingerReads > 0))
            {
                // The old session expires: the old registration goes, and the broker's retry registers it anew.
                if (--broker.LingerReads == 0)
                {
                    (broker.Session, broker.Czxid) = broker.NextRegistration;
                    broker.DownReads = 1;
                }
            }

            MostBrokersDownSeen = Math.Max(MostBrokersDownSeen, Brokers.Count - registered.Count);
            var placements = new List<PartitionPlacement>();
            foreach (var p in Partitions)
            {
                var isr = p.Replicas.Where(registered.ContainsKey).ToList();
                var leader = isr.Count > 0 ? isr[0] : -1;
                var min = p.MinInsyncReplicas ?? DefaultMinInsyncReplicas;
                if (leader < 0 || isr.Count < min)
                {
                    UnderMinIsrSeen.Add($"{p.Topic}-{p.Partition}: isr {string.Join(",", isr)} of min {min}");
                }

                placements.Add(new PartitionPlacement(p.Topic, p.Partition, p.Replicas, leader, isr, p.MinInsyncReplicas));
            }

            return (registered, placements);
        }
    }

    public Task<KafkaTopology> ReadKafkaTopologyAsync(IReadOnlyList<ServerSpec> servers, string chroot, CancellationToken cancellationToken)
    {
        Tick();
        var (registered, partitions) = ReadKafka();
        return Task.FromResult(new KafkaTopology(registered.Keys.ToDictionary(id => id, id => Racks.GetValueOrDefault(id)), partitions)
        {
            BrokerEpochs = registered.ToDictionary(r => r.Key, r => r.Value.Czxid),
        });
    }

    public IHostAgent Get(string address)
    {
        lock (_gate)
        {
            if (!_agents.TryGetValue(address, out var agent))
            {
                agent = new FakeAgent(this, address);
                _agents[address] = agent;
            }

            return agent;
        }
    }

    internal void Record(string call, OperationContext? operation = null)
    {
        lock (_gate)
        {
            Calls.Add(call);
            if (operation is not null)
            {
                OperationIds.Add(operation.OperationId);
            }

            var name = call.Split(' ')[0];
            var countdown = FailAtCall.TryGetValue(name, out var left) && (FailAtCall[name] = left - 1) == 0;
            if (FailOnce.Remove(name) || FailOnce.Remove(call) || countdown)
            {
                throw new AgentCallException(call, name, "Unavailable: injected failure before the agent accepted the call") { Answered = false };
            }
        }
    }

    internal void Tick()
    {
        lock (_gate)
        {
            SourceZxid += 3;
            foreach (var node in Nodes.Values.Where(n => !n.IsSource))
            {
                var members = ZooConfig.Members(node.Config);
                var joined = members.Any(m => Plan.Source.Any(s => s.Id == m.Id));
                if (!node.Running)
                {
                    node.Mode = null;
                    continue;
                }

                if (joined && !node.Isolated)
                {
                    // The joint config says how it joined: an observer, or a voter that follows (participant strategy).
                    node.Mode = members.FirstOrDefault(m => m.Id == node.Spec.Id) is { Observer: false } ? "follower" : "observer";
                    node.DiskZxid = SourceZxid;
                    node.ServingZxid = SourceZxid;
                    node.DataEmpty = false;
                }
                else if (joined)
                {
                    node.Mode = ServesAfterCut.Contains(node.Spec.Id) ? "observer" : null;
                }
            }

            var destinationOnly = Nodes.Values.Where(n => !n.IsSource && n.Running && ZooConfig.Members(n.Config).All(m => Plan.Destination.Any(d => d.Id == m.Id))).ToList();
            var quorum = QuorumMath.Quorum(Plan.Destination.Count);
            if (DestinationLeader is null && destinationOnly.Count >= quorum)
            {
                // An adversarial election: a node votes only for a proposal at least as good as its own, so any node
                // with a quorum at or below it can win, timing decides which. The fake picks the worst such node, so
                // a start order that lets a node behind lead fails here as it can under load in ZooKeeper.
                var ranked = destinationOnly.OrderBy(n => n.DiskZxid).ThenBy(n => n.Spec.Id).ToList();
                DestinationLeader = ranked[quorum - 1].Spec.Id;
            }

            if (DestinationLeader is { } id)
            {
                var leaderNode = Nodes[id];
                var newEpoch = ((leaderNode.DiskZxid >> 32) + 1) << 32;
                foreach (var node in destinationOnly)
                {
                    if (node.Mode is "leader" or "follower")
                    {
                        continue;
                    }

                    if (node.Spec.Id != id && node.DiskZxid > leaderNode.DiskZxid)
                    {
                        Truncated.Add($"{node.Spec.Id}: {node.DiskZxid:x} → {leaderNode.DiskZxid:x}");
                        node.DiskZxid = leaderNode.DiskZxid;
                    }

                    node.Mode = node.Spec.Id == id ? "leader" : "follower";
                    node.ServingZxid = newEpoch;
                }
            }
        }
    }

    public Task<ServerObservation> ObserveServerAsync(ServerSpec server, CancellationToken cancellationToken)
    {
        var node = Nodes[server.Id];
        if (node.IsSource)
        {
            // No tick: the source's members are always in step, as a synced ensemble reads between two writes.
            return Task.FromResult(new ServerObservation(true, server.Id == 3 ? "leader" : "follower", SourceZxid, null));
        }

        Tick();

        return Task.FromResult(node.Mode is null
            ? new ServerObservation(false, null, -1, node.Running ? "not currently serving requests (electing)" : "connection refused")
            : new ServerObservation(true, node.Mode, node.ServingZxid, null));
    }

    public Task<KafkaState> ReadKafkaStateAsync(IReadOnlyList<ServerSpec> servers, string chroot, CancellationToken cancellationToken)
    {
        Tick();
        var destination = servers.Any(s => s.Id == Plan.Destination[0].Id);
        var serving = servers.Any(s => destination ? Nodes[s.Id].Mode is not null : true);
        if (!serving)
        {
            throw new InvalidOperationException("no server serving");
        }

        var (registered, partitions) = ReadKafka();
        var problems = partitions.Where(p => p.Leader < 0 || p.Isr.Count < p.Replicas.Count)
            .Select(p => new PartitionProblem(p.Topic, p.Partition, p.Leader < 0 ? "offline (no leader)" : "under-replicated")).ToList();
        return Task.FromResult(new KafkaState(registered, ControllerEpoch, 1, problems, Partitions.Count == 0 ? 6 : Partitions.Count));
    }

    public async Task<ChrootSnapshot> SnapshotAsync(IReadOnlyList<ServerSpec> servers, string chroot, CancellationToken cancellationToken)
    {
        if (OnSnapshot is { } hook)
        {
            await hook(servers);
        }

        return new ChrootSnapshot(new Dictionary<string, ZnodeSummary>(Trees.GetValueOrDefault(chroot) ?? Chroot), "digest");
    }

    /// <summary>Awaited at the start of every chroot snapshot, with the servers read (a test holds a read there); null: none.</summary>
    public Func<IReadOnlyList<ServerSpec>, Task>? OnSnapshot { get; set; }

    /// <summary>How many agent calls so far start with <paramref name="prefix"/> (e.g. "fire ").</summary>
    public int CallCount(string prefix)
    {
        lock (_gate)
        {
            return Calls.Count(c => c.StartsWith(prefix, StringComparison.Ordinal));
        }
    }

    /// <summary>Other chroots' znodes (a staying tenant's), by chroot; a chroot not here reads as <see cref="Chroot"/>.</summary>
    public Dictionary<string, Dictionary<string, ZnodeSummary>> Trees { get; } = new(StringComparer.Ordinal);

    /// <summary>Runs once when the first destination node is cut off (a test's change to the world at the cut).</summary>
    public Action? OnCut { get; set; }

    public Task<bool> ExistsAsync(IReadOnlyList<ServerSpec> servers, string path, CancellationToken cancellationToken) => Task.FromResult(true);

    /// <summary>The chroot's znodes as a snapshot reads them (path → summary).</summary>
    public Dictionary<string, ZnodeSummary> Chroot { get; } = new() { ["/kafka"] = new(0, 0x100000001, false, 0), ["/kafka/brokers"] = new(0, 0x100000002, false, 0) };
}

internal sealed class FakeNode(ServerSpec spec, bool IsSource)
{
    public ServerSpec Spec { get; } = spec;
    public bool IsSource { get; } = IsSource;
    public bool Running { get; set; }
    public string Config { get; set; } = "";
    public int? MyId { get; set; }
    public long DiskZxid { get; set; }
    public long ServingZxid { get; set; }
    public string? Mode { get; set; }
    public bool DataEmpty { get; set; } = true;
    public bool Isolated { get; set; }
    public string? Lease { get; set; }

    /// <summary>The server's jute.maxbuffer as its agent reports it (0: unknown); ZooKeeper's default unless a test sets it.</summary>
    public long JuteMaxBuffer { get; set; } = 0xfffff;
}

/// <summary>A host of a tenant other than Kafka: its connect string, the one it loaded, its registration's session.</summary>
internal sealed class FakeTenantHost(TenantSpec tenant, TenantHost host)
{
    public TenantSpec Tenant { get; } = tenant;
    public TenantHost Host { get; } = host;
    public string Connect { get; set; } = "";
    public string LoadedConnect { get; set; } = "";
    public long Session { get; set; }
    public int Restarts { get; set; }
    public bool Running { get; set; } = true;
}

internal sealed class FakeBroker(BrokerSpec spec)
{
    public BrokerSpec Spec { get; } = spec;
    public string Connect { get; set; } = "";

    /// <summary>The zookeeper.connect the running broker loaded at its last (re)start: where its session is.</summary>
    public string LoadedConnect { get; set; } = "";
    public long Czxid { get; set; }
    public long Session { get; set; }
    public int Restarts { get; set; }
    public bool Running { get; set; } = true;

    /// <summary>Reads of Kafka's state left before the restarted broker is registered again.</summary>
    public int DownReads { get; set; }

    /// <summary>Reads of Kafka's state left while the registration of the session before the restart still stands.</summary>
    public int LingerReads { get; set; }

    /// <summary>The session and epoch the broker registers under once the old registration has gone.</summary>
    public (long Session, long Czxid) NextRegistration { get; set; }
}

/// <summary>A partition's assignment and its topic's own min.insync.replicas (null: the brokers' default).</summary>
internal sealed record FakePartition(string Topic, int Partition, IReadOnlyList<int> Replicas, int? MinInsyncReplicas = null);

/// <summary>An agent's record of one operation id: accepted, then running, done, failed or interrupted.</summary>
internal sealed class FakeOperation(string method, string intent)
{
    public string Method { get; } = method;
    public string Intent { get; } = intent;
    public AgentOperationStatus Status { get; set; } = AgentOperationStatus.Running;
    public object? Result { get; set; }
    public string? ResponseJson { get; set; }
    public string? Error { get; set; }

    /// <summary>GetOperation polls left before a background run finishes.</summary>
    public int PollsUntilDone { get; set; }
    public Action? Finish { get; set; }
}

/// <summary>
/// A fake agent that keeps the resume contract's record (agent.proto): accepted before acting, the action finished
/// whatever the caller does, every repeat of an id answered from the record, lease fencing on every mutation.
/// </summary>
internal sealed class FakeAgent(FakeWorld world, string address) : IHostAgent
{
    public string Address { get; } = address;

    private FakeNode? Node => world.Nodes.Values.FirstOrDefault(n => n.Spec.Agent == Address);

    private FakeBroker? Broker => world.Brokers.Values.FirstOrDefault(b => b.Spec.Agent == Address);

    private FakeTenantHost? TenantHost => world.TenantHosts.GetValueOrDefault(Address);

    private string Host => Address[..Address.LastIndexOf(':')];

    public Task<AgentDescription> DescribeAsync(CancellationToken cancellationToken) =>
        Task.FromResult(new AgentDescription(Host, Node is null ? "kafka" : "zookeeper", "1.0", "3.8.4", Node?.Spec.Id, Node?.JuteMaxBuffer ?? 0, Node is null ? "" : "fake")
        {
            // Configured as a real agent is: its address and every name the hosts file gives it, unless a test says otherwise.
            Addresses = world.AgentAddresses.TryGetValue(Host, out var configured)
                ? configured
                : [Host, .. world.HostsFile.Where(h => h.Value.Any(a => a.ToString() == Host)).Select(h => h.Key)],
        });

    public Task PingAsync(CancellationToken cancellationToken) =>
        world.Unreachable.Contains(Address) ? throw new AgentCallException(Address, "Health.Check", "Unavailable: refused (after 5 attempts)") : Task.CompletedTask;

    public Task AcquireLeaseAsync(OperationContext operation, TimeSpan duration, bool takeOver, CancellationToken cancellationToken)
    {
        world.Record($"lease {Host}{(takeOver ? " take-over" : "")}", operation);
        if (world.Leases.TryGetValue(Address, out var lease) && (lease.PlanId != operation.PlanId || (lease.Holder != operation.LeaseHolder && !takeOver)))
        {
            throw new AgentCallException(Address, "AcquireLease", $"FailedPrecondition: plan {lease.PlanId} is held by {lease.Holder} (LEASE)");
        }

        world.Leases[Address] = (operation.PlanId, operation.LeaseHolder);
        if (Node is { } node)
        {
            node.Lease = operation.PlanId;
        }

        return Task.CompletedTask;
    }

    public Task ReleaseLeaseAsync(OperationContext operation, CancellationToken cancellationToken)
    {
        world.Record($"release {Host}", operation);
        if (world.Leases.TryGetValue(Address, out var lease))
        {
            if (lease.PlanId != operation.PlanId || lease.Holder != operation.LeaseHolder)
            {
                throw new AgentCallException(Address, "ReleaseLease", $"FailedPrecondition: plan {lease.PlanId} is held by {lease.Holder} (LEASE)");
            }

            world.Leases.Remove(Address);
        }

        if (Node is { } node)
        {
            node.Lease = null;
        }

        return Task.CompletedTask;
    }

    public Task<AgentOperation> GetOperationAsync(string operationId, CancellationToken cancellationToken)
    {
        lock (world.Gate)
        {
            return GetOperationCoreAsync(operationId);
        }
    }

    private Task<AgentOperation> GetOperationCoreAsync(string operationId)
    {
        world.Record($"get-operation {Host}");
        if (!world.Operations.TryGetValue(Key(operationId), out var record))
        {
            return Task.FromResult(new AgentOperation(AgentOperationStatus.NotFound));
        }

        if (record.Status == AgentOperationStatus.Running && --record.PollsUntilDone <= 0)
        {
            record.Finish!();
        }

        return Task.FromResult(new AgentOperation(record.Status, record.Method, record.ResponseJson, record.Error));
    }

    /// <summary>
    /// One mutating call under the contract: fencing, the record answers a repeat, accepted before acting, the
    /// injected faults of <see cref="FakeWorld"/>.
    /// </summary>
    private Task<T> MutateAsync<T>(string call, OperationContext operation, string intent, Func<T> act, Func<T, string?>? json = null)
    {
        lock (world.Gate)
        {
            return MutateCoreAsync(call, operation, intent, act, json);
        }
    }

    private Task<T> MutateCoreAsync<T>(string call, OperationContext operation, string intent, Func<T> act, Func<T, string?>? json)
    {
        world.Record(call, operation);
        var name = call.Split(' ')[0];
        if (world.Leases.TryGetValue(Address, out var lease) && (lease.PlanId != operation.PlanId || lease.Holder != operation.LeaseHolder))
        {
            world.Fenced.Add(call);
            throw new AgentCallException(Address, name, $"FailedPrecondition: plan {lease.PlanId} is held by {lease.Holder} (LEASE)");
        }

        var key = Key(operation.OperationId);
        if (world.Operations.TryGetValue(key, out var existing))
        {
            if (existing.Intent != intent)
            {
                throw new AgentCallException(Address, name, $"AlreadyExists: operation {operation.OperationId} was {existing.Method} with another request");
            }

            return existing.Status switch
            {
                AgentOperationStatus.Done => Task.FromResult((T)existing.Result!),
                AgentOperationStatus.Failed => throw new AgentCallException(Address, name, existing.Error!),
                AgentOperationStatus.Interrupted => throw new AgentCallException(Address, name, "Aborted: OPERATION_INTERRUPTED") { Interrupted = true },
                _ => throw new AgentCallException(Address, name, "still running") { Answered = false },
            };
        }

        var record = new FakeOperation(name, intent);
        world.Operations[key] = record;
        if (world.InterruptBeforeActOnce.Remove(name))
        {
            record.Status = AgentOperationStatus.Interrupted;
            record.Error = "the agent restarted before acting";
            throw new AgentCallException(Address, name, "Unavailable: the agent restarted") { Answered = false };
        }

        void Complete()
        {
            try
            {
                var result = act();
                world.Acted.Add($"{name} {Host}");
                record.Result = result;
                record.ResponseJson = json?.Invoke(result);
                record.Status = AgentOperationStatus.Done;
            }
            catch (AgentCallException e)
            {
                record.Status = AgentOperationStatus.Failed;
                record.Error = e.Message;
            }
        }

        if (world.RunInBackgroundOnce.Remove(name))
        {
            record.PollsUntilDone = 2;
            record.Finish = Complete;
            throw new AgentCallException(Address, name, "DeadlineExceeded (after 5 attempts)") { Answered = false };
        }

        Complete();
        if (world.InterruptAfterActOnce.Remove(name))
        {
            record.Status = AgentOperationStatus.Interrupted;
            record.Error = "the agent restarted while acting";
            // The caller's retry reaches the restarted agent, which answers from its record: interrupted.
            throw new AgentCallException(Address, name, "Aborted: OPERATION_INTERRUPTED") { Interrupted = true };
        }

        if (world.LoseAnswerOnce.Remove(name))
        {
            throw new AgentCallException(Address, name, "Unavailable: connection reset (after 5 attempts)") { Answered = false };
        }

        if (record.Status == AgentOperationStatus.Failed)
        {
            throw new AgentCallException(Address, name, record.Error!);
        }

        return Task.FromResult((T)record.Result!);
    }

    private string Key(string operationId) => $"{Address} {operationId}";

    public Task<ZooKeeperNodeStatus> GetZooKeeperStatusAsync(CancellationToken cancellationToken)
    {
        world.Tick();
        var node = Node!;
        var learners = node.Mode == "leader" ? (node.IsSource ? world.Plan.Source.Count - 1 : world.Plan.Destination.Count - 1) : (int?)null;
        if (node.IsSource && node.Spec.Id == 3)
        {
            learners = world.Plan.Source.Count - 1;
        }

        // Each broker keeps one session, on the first server of the ensemble it loaded at its last start.
        var first = node.IsSource ? world.Plan.Source[0] : world.Plan.Destination[0];
        var clients = node.Spec.Id == first.Id && node.Running && !(node.IsSource && world.SourceRefusesCons)
            ? world.Brokers.Values.Where(b => b.Running && b.LoadedConnect.Contains(node.Spec.ClientEndpoint, StringComparison.Ordinal)).Select(b => $"/{world.AddressOf(b.Spec.Host)}:40000")
                .Concat(world.TenantHosts.Values.Where(h => h.Running && h.LoadedConnect.Contains(node.Spec.ClientEndpoint, StringComparison.Ordinal)).Select(h => $"/{world.AddressOf(h.Host.Host)}:40001")).ToList()
            : [];
        return Task.FromResult(new ZooKeeperNodeStatus(node.Running, node.Mode, node.Running ? node.ServingZxid : node.DiskZxid, clients, learners));
    }

    public Task<DataDirState> InspectDataDirAsync(CancellationToken cancellationToken)
    {
        world.Record($"inspect {Host}");
        var node = Node!;
        return Task.FromResult(new DataDirState(node.DataEmpty, node.DataEmpty ? -1 : node.DiskZxid, node.DataEmpty ? [] : ["version-2/log.1"]));
    }

    public Task<ConfigFile> ReadZooConfigAsync(CancellationToken cancellationToken) =>
        Task.FromResult(new ConfigFile(Node!.Config, Sha(Node.Config)));

    public Task WriteZooConfigAsync(OperationContext operation, string content, string expectedSha256, CancellationToken cancellationToken) =>
        MutateAsync($"write-config {Host}", operation, "write-config " + Sha(content), () =>
        {
            if (Sha(Node!.Config) != expectedSha256)
            {
                throw new AgentCallException(Address, "WriteZooConfig", "precondition failed: the file changed");
            }

            Node.Config = content;
            return true;
        });

    public Task WriteZooConfigAsync(OperationContext operation, string content, string expectedSha256, IReadOnlyDictionary<string, string> sourceSecurity, CancellationToken cancellationToken) =>
        WriteZooConfigAsync(operation, content, expectedSha256, cancellationToken);

    public Task<string> RenderZooConfigAsync(string content, IReadOnlyDictionary<string, string> sourceSecurity, CancellationToken cancellationToken) => Task.FromResult(content);

    public Task WriteMyIdAsync(OperationContext operation, int serverId, CancellationToken cancellationToken) =>
        MutateAsync($"write-myid {Host}", operation, $"myid {serverId}", () => Node!.MyId = serverId);

    /// <summary>The in-memory world keeps no data dirs: like an agent without ReadTree, the pre-copy falls back to the client.</summary>
    public Task<ZkMitosis.Coordinator.Copy.ChrootSnapshot> ReadTreeAsync(string chroot, CancellationToken cancellationToken) =>
        Task.FromException<ZkMitosis.Coordinator.Copy.ChrootSnapshot>(new AgentCallException(Address, "ReadTree", "Unimplemented"));

    public Task ResetDataDirAsync(OperationContext operation, CancellationToken cancellationToken) =>
        MutateAsync($"reset {Host}", operation, "reset", () =>
        {
            if (Node!.Running)
            {
                throw new AgentCallException(Address, "ResetDataDir", "refused: the service is running");
            }

            if (world.Brokers.Values.FirstOrDefault(b => b.Running && ConnectStrings.SameEnsemble(b.LoadedConnect, world.Plan.DestinationConnect)) is { } connected)
            {
                world.Violations.Add($"destination server {Node.Spec.Id} emptied while broker {connected.Spec.Id} is connected to the destination");
            }

            Node.DataEmpty = true;
            Node.DiskZxid = 0;
            return true;
        });

    public Task<ServiceState> StopServiceAsync(OperationContext operation, TimeSpan killAfter, CancellationToken cancellationToken) =>
        MutateAsync($"stop {Host} kill-after {killAfter.TotalMilliseconds:0}ms", operation, "stop-kill", () => Control("stop"));

    public Task<ServiceState> ControlServiceAsync(OperationContext operation, string action, CancellationToken cancellationToken) =>
        MutateAsync($"{action} {Host}", operation, action, () => Control(action));

    private ServiceState Control(string action)
    {
        if (TenantHost is { } tenantHost)
        {
            // A restart is a new process: a new session, registering again with the connect string it loads.
            tenantHost.Running = action != "stop" && !world.TenantHostsThatStayDown.Contains(Address);
            tenantHost.LoadedConnect = tenantHost.Connect;
            tenantHost.Session = world.SessionThrough(tenantHost.LoadedConnect, tenantHost.Session);
            tenantHost.Restarts++;
            return new ServiceState(tenantHost.Running, 1, DateTimeOffset.UtcNow);
        }

        if (Broker is { } broker)
        {
            if (world.AbandonNextRestart.Remove(broker.Spec.Id))
            {
                broker.Running = false;
                throw new AgentCallException(Address, "ControlService", "the call was abandoned after the stop");
            }

            if (world.BrokersThatIgnoreRestart.Contains(broker.Spec.Id))
            {
                broker.Restarts++;
                return new ServiceState(true, 1, DateTimeOffset.UtcNow);
            }

            broker.Running = action != "stop";
            if (broker.Running)
            {
                broker.LoadedConnect = world.BrokersThatComeBackOnTheSource.Contains(broker.Spec.Id) ? broker.LoadedConnect : broker.Connect;
                var next = (world.SessionThrough(broker.LoadedConnect, broker.Session), world.NextBrokerEpoch());
                if (world.OldSessionLingerReads.GetValueOrDefault(broker.Spec.Id) is var linger and > 0)
                {
                    broker.NextRegistration = next;
                    broker.LingerReads = linger;
                }
                else
                {
                    (broker.Session, broker.Czxid) = next;
                    broker.DownReads = world.RestartReads;
                }
            }

            broker.Restarts++;
            return new ServiceState(true, 1, DateTimeOffset.UtcNow);
        }

        var node = Node!;
        node.Running = action != "stop";
        if (action == "stop")
        {
            node.Mode = null;
        }

        world.Tick();
        return new ServiceState(node.Running, node.Running ? 100 : null, DateTimeOffset.UtcNow);
    }

    private readonly Dictionary<string, string> _armed = [];

    public Task ArmBarrierAsync(OperationContext operation, string barrierId, string action, CancellationToken cancellationToken) =>
        MutateAsync($"arm {Host}", operation, $"arm {barrierId} {action}", () => _armed[barrierId] = action);

    public Task<BarrierFired> FireBarrierAsync(OperationContext operation, string barrierId, CancellationToken cancellationToken) =>
        MutateAsync($"fire {Host}", operation, $"fire {barrierId}", () =>
        {
            if (!_armed.Remove(barrierId, out var action))
            {
                throw new AgentCallException(Address, "FireBarrier", $"NotFound: barrier {barrierId} is not armed");
            }

            Control(action);
            world.Acted.Add($"start {Host}");
            return new BarrierFired(DateTimeOffset.UtcNow, 0);
        }, fired => Google.Protobuf.JsonFormatter.Default.Format(new Agent.V1.FireBarrierResponse
        {
            StartedAt = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(fired.WallTime),
            StartedMonotonicNs = fired.MonotonicNanoseconds,
        }));

    public Task IsolateAsync(OperationContext operation, IReadOnlyList<string> peers, IReadOnlyList<int> ports, CancellationToken cancellationToken) =>
        MutateAsync($"isolate {Host}", operation, "isolate " + string.Join(",", peers), () =>
        {
            world.IsolatedPeers[Host] = [.. peers];
            Node!.Isolated = true;
            var onCut = world.OnCut;
            world.OnCut = null;
            onCut?.Invoke();
            foreach (var expired in world.TenantHosts.Values.Where(h => world.TenantSessionsExpireAtCut.Remove(h.Host.Agent)))
            {
                expired.Session += 0x100;
            }

            world.Tick();
            return true;
        });

    public Task HealAsync(OperationContext operation, CancellationToken cancellationToken) =>
        MutateAsync($"heal {Host}", operation, "heal", () => Node!.Isolated = false);

    public Task<IReadOnlyList<string>> ListFirewallAsync(CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<string>>(Node!.Isolated ? ["-A ZKMITOSIS -s x -j REJECT"] : []);

    public Task<IReadOnlyList<ProbeOutcome>> ProbeAsync(IReadOnlyList<string> targets, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var node = Node!;
        return Task.FromResult<IReadOnlyList<ProbeOutcome>>(targets.Select(t =>
        {
            var host = t[..t.LastIndexOf(':')];
            var target = world.Nodes.Values.First(n => n.Spec.Host == host);
            var result = node.Isolated && target.IsSource ? "refused" : target.Running ? "open" : "refused";
            return new ProbeOutcome(t, result);
        }).ToList());
    }

    public Task<string?> GetKafkaZooKeeperConnectAsync(CancellationToken cancellationToken) => Task.FromResult<string?>(Broker!.Connect);

    public Task SetKafkaZooKeeperConnectAsync(OperationContext operation, string connect, CancellationToken cancellationToken) =>
        MutateAsync($"set-connect {Host}", operation, "connect " + connect, () => Broker!.Connect = connect);

    public Task<string?> GetTenantConnectAsync(TenantConnect connect, CancellationToken cancellationToken) =>
        Task.FromResult<string?>(connect.ConfigId is null ? Broker!.Connect : TenantHost!.Connect);

    public Task SetTenantConnectAsync(OperationContext operation, TenantConnect connect, string value, CancellationToken cancellationToken) =>
        connect.ConfigId is null
            ? SetKafkaZooKeeperConnectAsync(operation, value, cancellationToken)
            : MutateAsync($"set-connect {Host}", operation, $"connect {connect.ConfigId} {value}", () => TenantHost!.Connect = value);

    private static string Sha(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
}
