using System.Globalization;
using ZkMitosis.Coordinator.Agents;
using ZkMitosis.Coordinator.Config;
using ZkMitosis.Coordinator.Verification;

namespace ZkMitosis.Coordinator.Engine.Steps;

/// <summary>
/// Step 6, the heart: the destination elects its own leader without losing a write. Stop every destination
/// node, read each one's last zxid from disk, write the destination-only config, start the node with the highest
/// zxid alone and wait until it listens for elections, then start the others together by barrier. The new
/// leader must be a node that held the highest zxid; anything else stops the migration, loudly, with the zxids.
/// </summary>
internal sealed class ElectDestinationStep : MigrationStep
{
    public const string StepId = "elect";

    public override string Id => StepId;

    public override string Title => "Elect the destination: stop, read zxids on disk, start the highest first, the rest by barrier";

    public override IReadOnlyList<string> ChecksBefore => ["the cut holds (destination cannot reach the source)"];

    public override IReadOnlyList<string> Actions =>
    [
        "stop every destination node",
        "read each node's last zxid from its data dir (txn logs and snapshots, through the agent)",
        "write the destination-only zoo.cfg (destination voters, no peerType) on each node",
        "start the node with the highest zxid; wait until it serves its client port and listens on its election port",
        "arm a start barrier on the other nodes, fire it on all at once, record the skew",
    ];

    public override IReadOnlyList<string> ChecksAfter =>
    [
        "exactly one leader, and it held the highest zxid (no node behind another can lead)",
        "every other node follows; the leader's zxid is past the highest zxid seen (nothing truncated)",
    ];

    public override async Task ExecuteAsync(StepContext context, CancellationToken cancellationToken)
    {
        var plan = context.Plan;
        var previous = context.Observed<ElectionRecord>(Id, "election");
        if (previous is not null && await AlreadyElectedAsync(context, previous, cancellationToken).ConfigureAwait(false))
        {
            context.Info($"destination already elected leader {previous.Leader} in an earlier attempt; verified again");
            return;
        }

        // 1. Stop every destination node. Stopping is idempotent; nothing is lost by stopping a node that already ran.
        await Task.WhenAll(plan.Destination.Select(d =>
            context.Agent(d.Agent).ControlServiceAsync(context.Operation("stop", d.Host), "stop", cancellationToken))).ConfigureAwait(false);

        // 2. Last zxid of each node, from disk.
        var zxids = await Task.WhenAll(plan.Destination.Select(async d =>
        {
            var dataDir = await context.Agent(d.Agent).InspectDataDirAsync(cancellationToken).ConfigureAwait(false);
            context.NodeState(d.ClientEndpoint, "stopped", dataDir.LastZxid);
            return new NodeZxid(d.Id, dataDir.LastZxid);
        })).ConfigureAwait(false);
        var order = ElectionOrder.Decide(zxids);
        var highestEver = Math.Max(order.HighestZxid, context.Observed<long?>(Id, "highest-zxid") ?? -1);
        if (order.HighestZxid < highestEver)
        {
            throw new UnsafeElectionException($"the destination's highest zxid on disk is {Zxid.Format(order.HighestZxid)}, but an earlier attempt saw {Zxid.Format(highestEver)}: transactions were lost. Zxids on disk: {order.Describe()}");
        }

        await context.ObserveAsync("zxids", zxids, cancellationToken).ConfigureAwait(false);
        await context.ObserveAsync("highest-zxid", highestEver, cancellationToken).ConfigureAwait(false);
        context.Info($"zxids on disk: {order.Describe()}; starting {order.First} first");

        // 3. Destination-only config.
        var members = MemberSets.DestinationOnly(plan);
        await Task.WhenAll(plan.Destination.Select(async d =>
        {
            var agent = context.Agent(d.Agent);
            var config = await agent.ReadZooConfigAsync(cancellationToken).ConfigureAwait(false);
            var target = ZooConfig.WithMembers(config.Content, members, observer: false);
            if (config.Content != target)
            {
                await agent.WriteZooConfigAsync(context.Operation("write-config", d.Host), target, config.Sha256, cancellationToken).ConfigureAwait(false);
            }
        })).ConfigureAwait(false);

        // 4. The highest first, alone: it cannot lead without a quorum, but it is the only one the others can join.
        var first = plan.Destination.First(d => d.Id == order.First);
        var started = context.Time.GetUtcNow();
        await context.Agent(first.Agent).ControlServiceAsync(context.Operation("start-first", first.Host), "start", cancellationToken, untilElectionPort: true).ConfigureAwait(false);
        var probeFrom = plan.Destination.FirstOrDefault(d => d.Id != first.Id);
        await context.WaitUntilAsync($"node {first.Id} to listen for elections", plan.Timeouts.ServerStart, async ct =>
        {
            var observation = await context.Inspector.ObserveServerAsync(first, ct).ConfigureAwait(false);
            if (!observation.Serving && observation.Error?.Contains("not currently serving", StringComparison.Ordinal) != true)
            {
                return false;
            }

            if (probeFrom is null)
            {
                return true;
            }

            var probe = await context.Agent(probeFrom.Agent).ProbeAsync([$"{first.Host}:{first.ElectionPort}"], TimeSpan.FromSeconds(2), ct).ConfigureAwait(false);
            return probe.All(p => p.Result == "open");
        }, cancellationToken).ConfigureAwait(false);
        context.Info($"node {first.Id} listens for elections", first.ClientEndpoint);

        // 5. The rest together, by barrier.
        var fired = new Dictionary<string, BarrierFired>();
        if (order.Rest.Count > 0)
        {
            var rest = plan.Destination.Where(d => order.Rest.Contains(d.Id)).ToList();
            var barrierId = $"{plan.PlanId}-elect-{context.Attempt.ToString(CultureInfo.InvariantCulture)}";
            await Task.WhenAll(rest.Select(d =>
                context.Agent(d.Agent).ArmBarrierAsync(context.Operation("arm", d.Host), barrierId, "start", cancellationToken))).ConfigureAwait(false);
            var results = await Task.WhenAll(rest.Select(async d =>
                (d.Id, Fired: await context.Agent(d.Agent).FireBarrierAsync(context.Operation("fire", d.Host), barrierId, cancellationToken).ConfigureAwait(false)))).ConfigureAwait(false);
            foreach (var (id, result) in results)
            {
                fired[id.ToString(CultureInfo.InvariantCulture)] = new BarrierFired(result.WallTime, result.MonotonicNanoseconds);
            }
        }

        var skew = fired.Count > 1 ? fired.Values.Max(f => f.WallTime) - fired.Values.Min(f => f.WallTime) : TimeSpan.Zero;
        context.Info($"barrier fired on {fired.Count} node(s), skew {skew.TotalMilliseconds:0.0} ms");

        // 6. Wait for the outcome; a leader that is not a safe leader stops everything at once.
        IReadOnlyDictionary<int, ServerObservation> observed = new Dictionary<int, ServerObservation>();
        await context.WaitUntilAsync("the destination to elect a safe leader with every node following", plan.Timeouts.Election, async ct =>
        {
            observed = await ClusterQueries.ObserveAllAsync(context, plan.Destination, ct).ConfigureAwait(false);
            var leader = ClusterQueries.SingleLeader(observed);
            if (leader is { } id && !order.SafeLeaders.Contains(id))
            {
                throw new UnsafeElectionException(string.Join("; ", order.Verify(observed)));
            }

            return order.Verify(observed).Count == 0;
        }, cancellationToken).ConfigureAwait(false);

        var record = new ElectionRecord(
            order.First, order.Rest, order.HighestZxid, zxids.ToDictionary(z => z.ServerId.ToString(CultureInfo.InvariantCulture), z => z.Zxid),
            ClusterQueries.SingleLeader(observed)!.Value, observed[ClusterQueries.SingleLeader(observed)!.Value].Zxid,
            fired, skew.TotalMilliseconds, started, context.Time.GetUtcNow());
        await context.ObserveAsync("election", record, cancellationToken).ConfigureAwait(false);
        context.Info($"leader {record.Leader} (held {Zxid.Format(order.HighestZxid)}), every other node following; nothing truncated");
    }

    private static async Task<bool> AlreadyElectedAsync(StepContext context, ElectionRecord previous, CancellationToken cancellationToken)
    {
        var observed = await ClusterQueries.ObserveAllAsync(context, context.Plan.Destination, cancellationToken).ConfigureAwait(false);
        var order = new ElectionOrder(previous.First, previous.Rest, previous.HighestZxid,
            previous.Zxids.Select(z => new NodeZxid(int.Parse(z.Key, CultureInfo.InvariantCulture), z.Value)).ToList());
        return order.Verify(observed).Count == 0;
    }
}

/// <summary>What the election did, for the journal and the report.</summary>
public sealed record ElectionRecord(
    int First, IReadOnlyList<int> Rest, long HighestZxid, Dictionary<string, long> Zxids, int Leader, long LeaderZxid,
    Dictionary<string, BarrierFired> Fired, double SkewMilliseconds, DateTimeOffset StartedAt, DateTimeOffset ElectedAt);
