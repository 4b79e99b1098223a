namespace ZkMitosis.Coordinator.Agents;

/// <summary>
/// Identifies one mutating call: the plan it belongs to, an operation id naming the effect
/// (<c>plan/step/effect-key[/generation]</c>, never the attempt, so a retry or a resume repeats it) and the lease
/// holder it is made for (the run's stable identity: a fencing token the agent checks against its live lease).
/// </summary>
public sealed record OperationContext(string PlanId, string OperationId, string LeaseHolder = "");

/// <summary>Where an operation stands in an agent's record (agent.proto's OperationStatus).</summary>
public enum AgentOperationStatus
{
    /// <summary>The agent has no record of the id: it never accepted it.</summary>
    NotFound,

    /// <summary>Accepted and still running in the agent's current process.</summary>
    Running,

    /// <summary>Finished; the recorded response is kept.</summary>
    Done,

    /// <summary>Finished with an error; the recorded error is kept.</summary>
    Failed,

    /// <summary>Accepted by an earlier agent process that ended before the action finished: its effect is unknown.</summary>
    Interrupted,
}

/// <summary>An agent's record of one operation id (GetOperation).</summary>
/// <param name="Status">Where it stands.</param>
/// <param name="Method">The RPC, e.g. "WriteMyId"; empty when not found.</param>
/// <param name="ResponseJson">The recorded response as proto3 JSON when done, else null.</param>
/// <param name="Error">The recorded error when failed, or what is known when interrupted.</param>
public sealed record AgentOperation(AgentOperationStatus Status, string Method = "", string? ResponseJson = null, string? Error = null);

/// <summary>What an agent says about itself.</summary>
/// <param name="HostName">The host's name as the agent is configured.</param>
/// <param name="Role">"zookeeper", "kafka" or "unknown".</param>
/// <param name="AgentVersion">The agent's version.</param>
/// <param name="ProductVersion">ZooKeeper's (srvr) or Kafka's version, null when unknown.</param>
/// <param name="ServerId">myid or broker.id, null when unknown.</param>
/// <param name="JuteMaxBuffer">A ZooKeeper host's <c>jute.maxbuffer</c> in bytes; 0 when unknown (or a Kafka host).</param>
/// <param name="JuteMaxBufferSource">Where the agent read <paramref name="JuteMaxBuffer"/>, or why it is unknown.</param>
public sealed record AgentDescription(string HostName, string Role, string AgentVersion, string? ProductVersion, int? ServerId, long JuteMaxBuffer = 0, string JuteMaxBufferSource = "")
{
    /// <summary>
    /// The addresses the agent is configured with (its <c>addresses</c> setting), empty when it reports none. With
    /// <see cref="HostName"/>, the names the agent knows its host by: the agent resets a data dir only when one of them
    /// is a destination host of the plan's lease (AgentService.ResetDataDir).
    /// </summary>
    public IReadOnlyList<string> Addresses { get; init; } = [];

    /// <summary>The names the agent knows its host by: <see cref="Addresses"/> and <see cref="HostName"/>, each once (ignoring case).</summary>
    public IEnumerable<string> Names => Addresses.Append(HostName).Distinct(StringComparer.OrdinalIgnoreCase);

    /// <summary>Whether <paramref name="host"/> (a plan's host) is one of <see cref="Names"/>, as the agent compares them (ignoring case).</summary>
    public bool KnowsHostAs(string host) => Names.Contains(host, StringComparer.OrdinalIgnoreCase);
}

/// <summary>A ZooKeeper server's state as its agent sees it.</summary>
/// <param name="Running">The service is running (process alive).</param>
/// <param name="Mode">leader | follower | observer | standalone, or null when not serving.</param>
/// <param name="Zxid">The serving zxid from <c>srvr</c>, or the last zxid on disk when stopped; -1 when unknown.</param>
/// <param name="ClientAddresses">The client addresses of connections (<c>cons</c>).</param>
/// <param name="Learners">Learners connected to a leader (followers and observers), or null when not leading.</param>
public sealed record ZooKeeperNodeStatus(bool Running, string? Mode, long Zxid, IReadOnlyList<string> ClientAddresses, int? Learners);

/// <summary>A data directory as its agent reads it on disk.</summary>
public sealed record DataDirState(bool Empty, long LastZxid, IReadOnlyList<string> Files, long CurrentEpoch = -1);

/// <summary>A configuration file's text and the SHA-256 the next write must present.</summary>
/// <param name="Content">zoo.cfg's text.</param>
/// <param name="Sha256">zoo.cfg's hash, which the next write must present.</param>
/// <param name="Dynamic">The text of the dynamic config file zoo.cfg names (ZooKeeper 3.5+), when the node keeps its members there.</param>
public sealed record ConfigFile(string Content, string Sha256, string? Dynamic = null)
{
    /// <summary>The members, from the dynamic file when the node uses one (ZooKeeper reads them only there), else from zoo.cfg.</summary>
    /// <exception cref="FormatException">a member line is malformed.</exception>
    public IReadOnlyList<ZkMitosis.ZooKeeper.Config.ZooKeeperServerSpec> Members => Config.ZooConfig.Members(Dynamic ?? Content);

    /// <summary>
    /// The node's configuration as one zoo.cfg text, the form the steps compare with what they write
    /// (<see cref="Config.ZooConfig.WithMembers"/>): zoo.cfg itself, or for a node with a dynamic file, zoo.cfg with the
    /// dynamic file's members in place of its <c>dynamicConfigFile</c> line. Writing this text back gives the same pair:
    /// the agent moves the member lines into the node's dynamic file.
    /// </summary>
    public string Effective => Dynamic is null
        ? Content
        : Config.ZooConfig.WithMembers(Content, Members, string.Equals(Config.ZooConfig.Value(Content, "peerType"), "observer", StringComparison.OrdinalIgnoreCase));
}

/// <summary>A service action's outcome.</summary>
public sealed record ServiceState(bool Running, int? Pid, DateTimeOffset At);

/// <summary>When a barrier action started on its host.</summary>
public sealed record BarrierFired(DateTimeOffset WallTime, long MonotonicNanoseconds);

/// <summary>A TCP probe result: open, refused or timeout.</summary>
public sealed record ProbeOutcome(string Target, string Result);

/// <summary>
/// The coordinator's view of one agent. The gRPC implementation carries plan and operation ids and retries with
/// the same operation id; tests drive the engine through fakes of this interface.
/// </summary>
public interface IHostAgent
{
    /// <summary><c>host:port</c> of the agent.</summary>
    string Address { get; }

    Task<AgentDescription> DescribeAsync(CancellationToken cancellationToken);

    /// <summary>A cheap liveness call (gRPC health): the agent answers and can persist its records.</summary>
    Task PingAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Takes or renews the lease of the plan for <see cref="OperationContext.LeaseHolder"/>. With
    /// <paramref name="takeOver"/> (only an explicit <c>migrate resume</c> or <c>abort</c> of the plan) the plan's
    /// lease moves from another holder; without it another holder's live lease refuses the call.
    /// </summary>
    Task AcquireLeaseAsync(OperationContext operation, TimeSpan duration, bool takeOver, CancellationToken cancellationToken);

    /// <summary>Releases the plan's lease held by <see cref="OperationContext.LeaseHolder"/> (no-op when none is held).</summary>
    Task ReleaseLeaseAsync(OperationContext operation, CancellationToken cancellationToken);

    /// <summary>The agent's record of <paramref name="operationId"/>; <see cref="AgentOperationStatus.NotFound"/> when it has none.</summary>
    Task<AgentOperation> GetOperationAsync(string operationId, CancellationToken cancellationToken);

    Task<ZooKeeperNodeStatus> GetZooKeeperStatusAsync(CancellationToken cancellationToken);

    Task<DataDirState> InspectDataDirAsync(CancellationToken cancellationToken);

    Task<ConfigFile> ReadZooConfigAsync(CancellationToken cancellationToken);

    Task WriteZooConfigAsync(OperationContext operation, string content, string expectedSha256, CancellationToken cancellationToken);

    /// <summary>
    /// Writes zoo.cfg carrying the source's security settings (<paramref name="sourceSecurity"/>, zoo.cfg keys without
    /// passwords), which the agent adapts to its host's own key and trust stores (issue 13).
    /// </summary>
    Task WriteZooConfigAsync(OperationContext operation, string content, string expectedSha256, IReadOnlyDictionary<string, string> sourceSecurity, CancellationToken cancellationToken);

    /// <summary>zoo.cfg as the agent would write <paramref name="content"/> with <paramref name="sourceSecurity"/>, inline passwords masked (RenderPlannedFiles).</summary>
    Task<string> RenderZooConfigAsync(string content, IReadOnlyDictionary<string, string> sourceSecurity, CancellationToken cancellationToken);

    Task WriteMyIdAsync(OperationContext operation, int serverId, CancellationToken cancellationToken);

    /// <summary>
    /// A chroot of the host's ZooKeeper as the agent reads it from its data dir (newest valid snapshot plus the txn
    /// logs after it), consistent at one zxid; read-only, no request reaches the server. Strategy copy's pre-copy.
    /// </summary>
    /// <exception cref="AgentCallException">the agent refused (not a ZooKeeper host, no readable snapshot) or did not answer within 10 minutes.</exception>
    Task<Copy.ChrootSnapshot> ReadTreeAsync(string chroot, CancellationToken cancellationToken);

    /// <summary>Empties the data directory; the agent refuses unless the service is stopped and the host is a destination.</summary>
    Task ResetDataDirAsync(OperationContext operation, CancellationToken cancellationToken);

    /// <summary>start | stop | restart the host's service (ZooKeeper or Kafka), waiting until its process state is reached.</summary>
    Task<ServiceState> ControlServiceAsync(OperationContext operation, string action, CancellationToken cancellationToken);

    /// <summary>Stops ZooKeeper with SIGTERM and SIGKILLs it if it still runs <paramref name="killAfter"/> later.</summary>
    Task<ServiceState> StopServiceAsync(OperationContext operation, TimeSpan killAfter, CancellationToken cancellationToken);

    /// <summary>Prepares <paramref name="action"/> (start) so that <see cref="FireBarrierAsync"/> does it at once.</summary>
    Task ArmBarrierAsync(OperationContext operation, string barrierId, string action, CancellationToken cancellationToken);

    Task<BarrierFired> FireBarrierAsync(OperationContext operation, string barrierId, CancellationToken cancellationToken);

    /// <summary>Rejects TCP from and to <paramref name="peers"/> (all ports when <paramref name="ports"/> is empty).</summary>
    Task IsolateAsync(OperationContext operation, IReadOnlyList<string> peers, IReadOnlyList<int> ports, CancellationToken cancellationToken);

    Task HealAsync(OperationContext operation, CancellationToken cancellationToken);

    /// <summary>Our firewall rules on the host, as text; empty when none.</summary>
    Task<IReadOnlyList<string>> ListFirewallAsync(CancellationToken cancellationToken);

    /// <summary>TCP connect probes from the host to <paramref name="targets"/>, each <c>host:port</c> (an IPv6 host as <c>[address]:port</c>).</summary>
    /// <exception cref="FormatException">a target is not host:port.</exception>
    Task<IReadOnlyList<ProbeOutcome>> ProbeAsync(IReadOnlyList<string> targets, TimeSpan timeout, CancellationToken cancellationToken);

    Task<string?> GetKafkaZooKeeperConnectAsync(CancellationToken cancellationToken);

    Task SetKafkaZooKeeperConnectAsync(OperationContext operation, string connect, CancellationToken cancellationToken);

    /// <summary>The connect string of a tenant's config file on this host (<see cref="Plans.TenantConnect"/>); Kafka's server.properties when it names no config id.</summary>
    Task<string?> GetTenantConnectAsync(Plans.TenantConnect connect, CancellationToken cancellationToken) =>
        connect.ConfigId is null ? GetKafkaZooKeeperConnectAsync(cancellationToken) : throw new NotSupportedException($"{GetType().Name} edits only Kafka's server.properties");

    /// <summary>Sets the connect string of a tenant's config file, keeping every other byte (agent: SetKafkaZookeeperConnect with tenant_config).</summary>
    Task SetTenantConnectAsync(OperationContext operation, Plans.TenantConnect connect, string value, CancellationToken cancellationToken) =>
        connect.ConfigId is null ? SetKafkaZooKeeperConnectAsync(operation, value, cancellationToken) : throw new NotSupportedException($"{GetType().Name} edits only Kafka's server.properties");
}

/// <summary>Opens agents by address; the gRPC factory holds channels and TLS.</summary>
public interface IHostAgentFactory
{
    IHostAgent Get(string address);
}

/// <summary>An agent call that failed after its bounded retries, naming the agent and the call.</summary>
public sealed class AgentCallException(string agent, string call, string message, Exception? inner = null)
    : Exception($"agent {agent}: {call} failed: {message}", inner)
{
    public string Agent { get; } = agent;
    public string Call { get; } = call;

    /// <summary>
    /// True when the agent answered with a definite outcome (a refusal or a recorded failure); false when the call
    /// never got an answer (unavailable, deadline after the retries): the agent may still have accepted it.
    /// </summary>
    public bool Answered { get; init; } = true;

    /// <summary>True when the agent reported the operation interrupted by its own restart (OPERATION_INTERRUPTED).</summary>
    public bool Interrupted { get; init; }
}
