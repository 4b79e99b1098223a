using System.Globalization;
using ZkMitosis.Coordinator.Agents;
using ZkMitosis.Coordinator.Config;
using ZkMitosis.Coordinator.Plans;
using ZkMitosis.Coordinator.Verification;

namespace ZkMitosis.Coordinator.Engine.Steps;

/// <summary>
/// Step 6, the heart: the destination elects its own leader without losing a write. Stop every destination
/// node, read each one's last zxid from disk, write the destination-only config, then start the nodes in two
/// waves behind a quorum-count fence (<see cref="ElectionOrder"/>): first a quorum led by the nodes at the highest
/// zxid, together by barrier, so no quorum can form without one of them; the rest together once a safe leader leads. Any other leader stops the migration, loudly, with the zxids.
/// </summary>
/// <remarks>
/// DESIGN.md's ordering (the highest alone, wait until it listens, then all others together) lets the others form
/// a quorum of their own, and under load they did. The count fence needs no firewall change and starts the first
/// wave's JVMs at once instead of one after another.
/// </remarks>
internal sealed class ElectDestinationStep : MigrationStep
{
    public const string StepId = "elect";

    /// <summary>How long a destination node may still serve after the cut before it is stopped the slow way.</summary>
    private static readonly TimeSpan LeaveTheSourceBound = TimeSpan.FromSeconds(3);

    public override string Id => StepId;

    public override string Title => "Elect the destination: stop, read zxids on disk, start a quorum led by the highest, then the rest";

    public override IReadOnlyList<string> ChecksBefore => ["the cut holds (destination cannot reach the source)"];

    public override IReadOnlyList<string> Actions =>
    [
        "stop every destination node (SIGTERM; SIGKILL after timeouts.stopGrace once it no longer serves: it has left the source and flushed its log)",
        "read each node's last zxid and currentEpoch from its data dir (txn logs, snapshots and epoch files, through the agent)",
        "write the destination-only zoo.cfg (destination voters, no peerType) on each node",
        "start the first wave by barrier: a quorum led by the nodes at the highest zxid, so at most Q−1 behind (no quorum without a node at the highest zxid)",
        "once a safe leader leads the first wave, snapshot the source's chroot (static since the cut) while the second wave starts by barrier; record the skews",
    ];

    public override IReadOnlyList<string> ChecksAfter =>
    [
        "exactly one leader, and it held the highest zxid (no node behind another can lead)",
        "every other node follows; the leader's zxid is past the highest zxid seen (nothing truncated)",
    ];

    /// <summary>The generation of the whole election (stop, read, start): bumped, journaled, only when a round must truly be done again.</summary>
    public const string RoundKey = "round";

    public override async Task ExecuteAsync(StepContext context, CancellationToken cancellationToken)
    {
        var plan = context.Plan;
        var previous = context.Observed<ElectionRecord>(Id, "election");
        if (previous is not null && await AlreadyElectedAsync(context, previous, cancellationToken).ConfigureAwait(false))
        {
            context.Info($"destination already elected leader {previous.Leader} in an earlier attempt; verified again");
            await SourceChrootAtCut.EnsureAsync(context, cancellationToken).ConfigureAwait(false);
            return;
        }

        var round = context.State.Generation(Id, RoundKey);
        var start = context.Observed<ElectionStart>(Id, "round-start") is { } s && s.Round == round ? s : null;
        if (start is not null && await FirstWaveLostAsync(context, start, cancellationToken).ConfigureAwait(false))
        {
            round = await context.NextGenerationAsync(RoundKey, "the first wave was started but a node of it is down without a safe leader: stop, read and start again", cancellationToken).ConfigureAwait(false);
            start = null;
        }

        if (start is null)
        {
            start = await StopAndReadAsync(context, round, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            // Resumed inside this round: the destination was stopped and its zxids read before. Nothing is stopped
            // again: a first wave that already leads at the highest zxid goes straight on to the second wave.
            context.Info($"resuming election round {round}: zxids on disk were {start.Order.Describe()}");
        }

        var order = start.Order;

        // 4. The first wave together: it holds a quorum, and every quorum in it holds a node at the highest zxid.
        var fired = new Dictionary<string, BarrierFired>();
        var skew = await StartWaveAsync(context, order.FirstWave, "wave1", round, fired, cancellationToken).ConfigureAwait(false);
        context.Info($"first wave {Ids(order.FirstWave)} started by barrier, skew {skew.TotalMilliseconds:0.0} ms");
        var firstWave = plan.Destination.Where(d => order.FirstWave.Contains(d.Id)).ToList();
        var leader = await WaitForSafeLeaderAsync(context, order, firstWave,
            $"the first wave {Ids(order.FirstWave)} to elect a leader at the highest zxid (it cannot elect without node(s) {Ids(order.SafeLeaders)}: if they do not start, lifting that requirement would lose their transactions)",
            cancellationToken).ConfigureAwait(false);
        var elected = context.Time.GetUtcNow();
        context.Info($"leader {leader.Id} (held {Zxid.Format(order.HighestZxid)}) leads the first wave after {(elected - start.StartedAt).TotalSeconds:0.00} s");

        // The destination serves again; what the source held of the chroot is read now, outside that window, while the
        // second wave starts and syncs: the read goes to the source, the wave to the destination, and neither waits for
        // the other (read first, a 100,000-znode chroot held the last node back 16 s).
        var sourceRead = SourceChrootAtCut.EnsureAsync(context, cancellationToken);
        var secondWave = StartSecondWaveAsync(context, order, round, fired, leader, cancellationToken);
        await Task.WhenAll(sourceRead, secondWave).ConfigureAwait(false);
        (leader, var completed) = await secondWave.ConfigureAwait(false);

        var record = new ElectionRecord(
            order.FirstWave, order.SecondWave, order.HighestZxid, order.Zxids.ToDictionary(z => z.ServerId.ToString(CultureInfo.InvariantCulture), z => z.Zxid),
            leader.Id, leader.Zxid, fired, skew.TotalMilliseconds, start.StartedAt, elected, completed);
        await context.ObserveAsync("election", record, cancellationToken).ConfigureAwait(false);
        context.Info($"leader {record.Leader} (held {Zxid.Format(order.HighestZxid)}), every other node following; nothing truncated");
    }

    /// <summary>
    /// Step 5: the second wave together; a safe leader already leads, so its nodes can only join it. Returns the leader
    /// once every node follows it (<paramref name="leader"/> without a second wave) and when that was seen.
    /// </summary>
    private static async Task<((int Id, long Zxid) Leader, DateTimeOffset At)> StartSecondWaveAsync(
        StepContext context, ElectionOrder order, int round, Dictionary<string, BarrierFired> fired, (int Id, long Zxid) leader, CancellationToken cancellationToken)
    {
        if (order.SecondWave.Count > 0)
        {
            var secondSkew = await StartWaveAsync(context, order.SecondWave, "wave2", round, fired, cancellationToken).ConfigureAwait(false);
            context.Info($"second wave {Ids(order.SecondWave)} started by barrier, skew {secondSkew.TotalMilliseconds:0.0} ms");
            leader = await WaitForSafeLeaderAsync(context, order, context.Plan.Destination, "every destination node to follow the safe leader", cancellationToken).ConfigureAwait(false);
        }

        return (leader, context.Time.GetUtcNow());
    }

    /// <summary>Steps 1-3 of round <paramref name="round"/>: stop every node, read its zxid on disk, write the destination-only config; journals the order.</summary>
    private static async Task<ElectionStart> StopAndReadAsync(StepContext context, int round, CancellationToken cancellationToken)
    {
        // On each node at once: stop it (nothing is lost by stopping a node that already ran), read its last zxid
        // from disk, write the destination-only config (no zxid needed for that, so no extra round trip).
        var plan = context.Plan;
        var members = MemberSets.DestinationOnly(plan);
        var security = await DestinationSecurity.ReadAsync(context.Agent, plan, cancellationToken).ConfigureAwait(false);
        var zxids = await Task.WhenAll(plan.Destination.Select(async d =>
        {
            var agent = context.Agent(d.Agent);
            await StopAsync(context, d, round, cancellationToken).ConfigureAwait(false);
            var dataDir = await agent.InspectDataDirAsync(cancellationToken).ConfigureAwait(false);
            context.NodeState(d.ClientEndpoint, "stopped", dataDir.LastZxid);
            var config = await agent.ReadZooConfigAsync(cancellationToken).ConfigureAwait(false);
            var target = await DestinationSecurity.TargetAsync(agent, ZooConfig.WithMembers(config.Content, members, observer: false), security, cancellationToken).ConfigureAwait(false);
            await context.EffectAsync(RoundEffect("config", d, round), agent,
                (operation, ct) => target.WriteAsync(agent, operation, config.Sha256, ct), cancellationToken,
                needed: !target.IsOn(config.Effective),
                achieved: async ct => target.IsOn((await agent.ReadZooConfigAsync(ct).ConfigureAwait(false)).Effective)).ConfigureAwait(false);
            return new NodeZxid(d.Id, dataDir.LastZxid, dataDir.CurrentEpoch);
        })).ConfigureAwait(false);
        var order = ElectionOrder.Decide(zxids);
        var highestEver = Math.Max(order.HighestZxid, context.Observed<long?>(StepId, "highest-zxid") ?? -1);
        if (order.HighestZxid < highestEver)
        {
            throw new UnsafeElectionException($"the destination's highest zxid on disk is {Zxid.Format(order.HighestZxid)}, but an earlier attempt saw {Zxid.Format(highestEver)}: transactions were lost. Zxids on disk: {order.Describe()}");
        }

        await context.ObserveAsync("zxids", zxids, cancellationToken).ConfigureAwait(false);
        await context.ObserveAsync("highest-zxid", highestEver, cancellationToken).ConfigureAwait(false);
        var start = new ElectionStart(round, order, context.Time.GetUtcNow());
        await context.ObserveAsync("round-start", start, cancellationToken).ConfigureAwait(false);
        context.Info($"zxids on disk: {order.Describe()}; first wave {Ids(order.FirstWave)} (holding the highest: {Ids(order.SafeLeaders)}), second wave {Ids(order.SecondWave)}");
        return start;
    }

    /// <summary>
    /// Whether round <paramref name="start"/>'s first wave was fired but cannot elect any more: no safe leader leads
    /// and a node of the wave is down. Anything else (not yet fired, electing, leading) continues the round.
    /// </summary>
    private static async Task<bool> FirstWaveLostAsync(StepContext context, ElectionStart start, CancellationToken cancellationToken)
    {
        var firstWave = context.Plan.Destination.Where(d => start.Order.FirstWave.Contains(d.Id)).ToList();
        if (!firstWave.All(d => context.EffectDone(RoundEffect("fire-wave1", d, start.Round))))
        {
            return false;
        }

        var observed = await ClusterQueries.ObserveAllAsync(context, firstWave, cancellationToken).ConfigureAwait(false);
        if (ClusterQueries.SingleLeader(observed) is { } leader && start.Order.SafeLeaders.Contains(leader))
        {
            return false;
        }

        foreach (var d in firstWave)
        {
            if (!(await context.Agent(d.Agent).GetZooKeeperStatusAsync(cancellationToken).ConfigureAwait(false)).Running)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The effect key of <paramref name="action"/> on <paramref name="node"/> in election round <paramref name="round"/>.</summary>
    private static string RoundEffect(string action, ServerSpec node, int round) =>
        RollingRestart.Key(action, node) + (round > 0 ? ".r" + round.ToString(CultureInfo.InvariantCulture) : "");

    /// <summary>
    /// Stops <paramref name="node"/>. Once it no longer serves, it has left the source: its observer (or follower)
    /// loop ended and shut its request pipeline down, which flushes and syncs its txn log, before it turned LOOKING.
    /// Then SIGTERM buys nothing (ZooKeeper 3.8 registers no shutdown hook that writes data; the JVM only waits for
    /// threads in native code and running compilations, 0.4 s idle and over 1 s under load, inside the window), so
    /// SIGKILL follows after <see cref="PlanTimeouts.StopGrace"/>. A node still serving after the cut is stopped with
    /// its own grace.
    /// </summary>
    private static async Task StopAsync(StepContext context, ServerSpec node, int round, CancellationToken cancellationToken)
    {
        var agent = context.Agent(node.Agent);
        var key = RoundEffect("stop", node, round);
        if (context.EffectDone(key))
        {
            return;
        }

        if (await LeftTheSourceAsync(context, node, cancellationToken).ConfigureAwait(false))
        {
            await context.EffectAsync(key, agent, (operation, ct) => agent.StopServiceAsync(operation, context.Plan.Timeouts.StopGrace, ct), cancellationToken).ConfigureAwait(false);
            return;
        }

        context.Warning($"{node.ClientEndpoint} still serves after the cut; stopping it with its own SIGTERM grace", node.Host);
        await context.EffectAsync(key, agent, (operation, ct) => agent.ControlServiceAsync(operation, "stop", ct), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Whether <paramref name="node"/> stops serving within a few seconds of the cut (it has already, as a rule).</summary>
    private static async Task<bool> LeftTheSourceAsync(StepContext context, ServerSpec node, CancellationToken cancellationToken)
    {
        var deadline = context.Time.GetUtcNow() + LeaveTheSourceBound;
        while (true)
        {
            var observation = await context.Inspector.ObserveServerAsync(node, cancellationToken).ConfigureAwait(false);
            if (observation.Mode is null)
            {
                return true;
            }

            if (context.Time.GetUtcNow() >= deadline)
            {
                return false;
            }

            await Task.Delay(context.Plan.Intervals.Poll, context.Time, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Arms and fires a start barrier on <paramref name="ids"/>; adds the fire times to <paramref name="fired"/>, returns the skew.</summary>
    private static async Task<TimeSpan> StartWaveAsync(StepContext context, IReadOnlyList<int> ids, string wave, int round, Dictionary<string, BarrierFired> fired, CancellationToken cancellationToken)
    {
        var nodes = context.Plan.Destination.Where(d => ids.Contains(d.Id)).ToList();
        var barrierId = $"{context.Plan.PlanId}-elect-r{round.ToString(CultureInfo.InvariantCulture)}-{wave}";
        foreach (var d in nodes)
        {
            // A fire that failed (the agent lost the armed barrier in a restart) needs the barrier armed again.
            if (context.State.Effect(StepId, RoundEffect($"fire-{wave}", d, round)) is { Outcome: Journal.EffectRecord.Failed } failedFire
                && failedFire.Generation == context.State.Generation(StepId, RoundEffect($"fire-{wave}", d, round)))
            {
                await context.NextGenerationAsync(RoundEffect($"arm-{wave}", d, round), "its fire failed: arm again", cancellationToken).ConfigureAwait(false);
            }
        }

        await Task.WhenAll(nodes.Select(d => context.EffectAsync(RoundEffect($"arm-{wave}", d, round), context.Agent(d.Agent),
            (operation, ct) => context.Agent(d.Agent).ArmBarrierAsync(operation, barrierId, "start", ct), cancellationToken))).ConfigureAwait(false);
        var results = await Task.WhenAll(nodes.Select(async d =>
            (d.Id, Fired: (await context.EffectAsync(RoundEffect($"fire-{wave}", d, round), context.Agent(d.Agent),
                (operation, ct) => context.Agent(d.Agent).FireBarrierAsync(operation, barrierId, ct), cancellationToken,
                achieved: async ct => (await context.Agent(d.Agent).GetZooKeeperStatusAsync(ct).ConfigureAwait(false)).Running,
                fromRecord: AgentResponses.BarrierFired).ConfigureAwait(false)).Result))).ConfigureAwait(false);
        var known = results.Where(r => r.Fired is not null).ToList();
        foreach (var (id, result) in known)
        {
            fired[id.ToString(CultureInfo.InvariantCulture)] = result!;
        }

        return known.Count > 1 ? known.Max(r => r.Fired!.WallTime) - known.Min(r => r.Fired!.WallTime) : TimeSpan.Zero;
    }

    /// <summary>Waits until <paramref name="nodes"/> have one safe leader and the rest follow; a leader behind stops everything at once.</summary>
    private static async Task<(int Id, long Zxid)> WaitForSafeLeaderAsync(
        StepContext context, ElectionOrder order, IReadOnlyList<ServerSpec> nodes, string what, CancellationToken cancellationToken)
    {
        IReadOnlyDictionary<int, ServerObservation> observed = new Dictionary<int, ServerObservation>();
        await context.WaitUntilAsync(what, context.Plan.Timeouts.Election, async ct =>
        {
            observed = await ClusterQueries.ObserveAllAsync(context, nodes, ct).ConfigureAwait(false);
            if (ClusterQueries.SingleLeader(observed) is { } id && !order.SafeLeaders.Contains(id))
            {
                throw new UnsafeElectionException(string.Join("; ", order.Verify(observed)));
            }

            return order.Verify(observed).Count == 0;
        }, cancellationToken).ConfigureAwait(false);
        var leader = ClusterQueries.SingleLeader(observed)!.Value;
        return (leader, observed[leader].Zxid);
    }

    private static async Task<bool> AlreadyElectedAsync(StepContext context, ElectionRecord previous, CancellationToken cancellationToken)
    {
        var observed = await ClusterQueries.ObserveAllAsync(context, context.Plan.Destination, cancellationToken).ConfigureAwait(false);
        var order = new ElectionOrder(previous.FirstWave, previous.SecondWave, previous.HighestZxid,
            previous.Zxids.Select(z => new NodeZxid(int.Parse(z.Key, CultureInfo.InvariantCulture), z.Value)).ToList());
        return order.Verify(observed).Count == 0;
    }

    private static string Ids(IEnumerable<int> ids) => string.Join(", ", ids);
}

/// <summary>One round of the election as journaled once the destination was stopped and its zxids read: a resume continues it.</summary>
/// <param name="Round">The round (the generation of <see cref="ElectDestinationStep.RoundKey"/>).</param>
/// <param name="Order">The waves decided from the zxids on disk.</param>
/// <param name="StartedAt">When the zxids were read.</param>
public sealed record ElectionStart(int Round, ElectionOrder Order, DateTimeOffset StartedAt);

/// <summary>What the election did, for the journal and the report.</summary>
/// <param name="FirstWave">The nodes started first, together: a quorum led by those at the highest zxid.</param>
/// <param name="SecondWave">The nodes started once the first wave had its leader.</param>
/// <param name="HighestZxid">The highest zxid on disk before the election.</param>
/// <param name="Zxids">Each node's zxid on disk, by server id.</param>
/// <param name="Leader">The elected leader.</param>
/// <param name="LeaderZxid">The leader's zxid once every node followed it.</param>
/// <param name="Fired">When each node's start barrier fired.</param>
/// <param name="SkewMilliseconds">The first wave's barrier skew: the nodes that elect.</param>
/// <param name="StartedAt">When the first wave was started.</param>
/// <param name="ElectedAt">When the first wave had its safe leader.</param>
/// <param name="CompletedAt">When every node followed it.</param>
public sealed record ElectionRecord(
    IReadOnlyList<int> FirstWave, IReadOnlyList<int> SecondWave, long HighestZxid, Dictionary<string, long> Zxids, int Leader, long LeaderZxid,
    Dictionary<string, BarrierFired> Fired, double SkewMilliseconds, DateTimeOffset StartedAt, DateTimeOffset ElectedAt, DateTimeOffset CompletedAt);
