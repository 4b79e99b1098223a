using System.Globalization;
using System.Text;
using Microsoft.Extensions.Logging;
using ZkMitosis.ZooKeeper;

namespace ZkMitosis.KafkaStandIn;

/// <summary>
/// Competes for <c>/controller</c> as a Kafka broker does: the winner creates the ephemeral node and bumps
/// <c>/controller_epoch</c> in one multi (with the epoch's version as a check, so two controllers cannot both
/// win), then keeps every partition's <c>state</c> current with the live brokers: ISR = assigned replicas that
/// are registered, leader kept while alive, leader epoch bumped on every change. Losers watch <c>/controller</c>.
/// </summary>
internal sealed class ControllerRole
{
    private static readonly TimeSpan Recheck = TimeSpan.FromSeconds(1);

    private readonly ServerProperties _properties;
    private readonly StateStore _state;
    private readonly ILogger _logger;
    private readonly Func<string, IReadOnlyList<ZooKeeperAcl>> _acls;

    public ControllerRole(ServerProperties properties, StateStore state, ILogger logger)
    {
        _properties = properties;
        _acls = KafkaBrokerStandIn.AclsFor(properties);
        _state = state;
        _logger = logger;
    }

    public async Task RunAsync(ZooKeeperClient client, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            var changed = NewSignal();
            try
            {
                var epoch = await TryElectAsync(client, cancellationToken).ConfigureAwait(false);
                if (epoch is { } controllerEpoch)
                {
                    _state.Update(s => s with { IsController = true, ControllerEpoch = controllerEpoch });
                    StandInLog.BecameController(_logger, _properties.BrokerId, controllerEpoch);
                    await ActAsControllerAsync(client, controllerEpoch, cancellationToken).ConfigureAwait(false);
                    _state.Update(s => s with { IsController = false });
                    StandInLog.LostController(_logger, _properties.BrokerId);
                    continue;
                }

                // Someone else leads: wait until /controller goes (watch), re-checking now and then.
                var exists = await client.ExistsAsync("/controller", _ => changed.TrySetResult(), cancellationToken).ConfigureAwait(false);
                if (exists is not null)
                {
                    await Task.WhenAny(changed.Task, Task.Delay(Recheck * 5, cancellationToken)).ConfigureAwait(false);
                }
            }
            catch (KeeperException e) when (e.IsTransient)
            {
                await Task.Delay(Retry.Pause, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>The new controller epoch when this broker won, null when another broker is the controller.</summary>
    private async Task<int?> TryElectAsync(ZooKeeperClient client, CancellationToken cancellationToken)
    {
        while (true)
        {
            if (await client.ExistsAsync("/controller", cancellationToken: cancellationToken).ConfigureAwait(false) is { } holder)
            {
                // After a connection loss our own multi may have landed: the node is ours if our session owns it.
                if (holder.EphemeralOwner == client.SessionId)
                {
                    var current = await client.GetDataAsync("/controller_epoch", cancellationToken: cancellationToken).ConfigureAwait(false);
                    return ParseEpoch(current.Data);
                }

                return null;
            }

            int epoch;
            int version;
            try
            {
                var current = await client.GetDataAsync("/controller_epoch", cancellationToken: cancellationToken).ConfigureAwait(false);
                epoch = ParseEpoch(current.Data);
                version = current.Stat.Version;
            }
            catch (KeeperException e) when (e.Code == KeeperErrorCode.NoNode)
            {
                try
                {
                    await client.CreateAsync("/controller_epoch", Encoding.ASCII.GetBytes("0"), CreateMode.Persistent, _acls("/controller_epoch"), cancellationToken: cancellationToken).ConfigureAwait(false);
                }
                catch (KeeperException exists) when (exists.Code == KeeperErrorCode.NodeExists)
                {
                    // Another broker created it first.
                }

                continue;
            }

            var next = epoch + 1;
            var result = await client.MultiAsync(
                [
                    Op.Create("/controller", KafkaJson.Controller(_properties.BrokerId, DateTimeOffset.UtcNow), CreateMode.Ephemeral, _acls("/controller")),
                    Op.SetData("/controller_epoch", Encoding.ASCII.GetBytes(next.ToString(CultureInfo.InvariantCulture)), version),
                ],
                cancellationToken).ConfigureAwait(false);
            if (result.Committed)
            {
                return next;
            }

            if (result.FirstFailure?.Error == KeeperErrorCode.NodeExists)
            {
                return null;
            }

            // BadVersion: another controller bumped the epoch in between; look again.
        }
    }

    private async Task ActAsControllerAsync(ZooKeeperClient client, int controllerEpoch, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            var changed = NewSignal();
            try
            {
                var holder = await client.ExistsAsync("/controller", _ => changed.TrySetResult(), cancellationToken).ConfigureAwait(false);
                if (holder is null || holder.EphemeralOwner != client.SessionId)
                {
                    return;
                }

                var live = await client.GetChildrenAsync("/brokers/ids", _ => changed.TrySetResult(), cancellationToken).ConfigureAwait(false);
                var liveIds = live.Children.Select(c => int.TryParse(c, NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? id : -1).Where(id => id >= 0).ToHashSet();
                await UpdatePartitionsAsync(client, controllerEpoch, liveIds, cancellationToken).ConfigureAwait(false);
            }
            catch (KeeperException e) when (e.IsTransient)
            {
                // Reconnecting: the same session keeps the controller role if it comes back in time.
            }

            await Task.WhenAny(changed.Task, Task.Delay(Recheck, cancellationToken)).ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
        }
    }

    private async Task UpdatePartitionsAsync(ZooKeeperClient client, int controllerEpoch, HashSet<int> live, CancellationToken cancellationToken)
    {
        ChildrenResult topics;
        try
        {
            topics = await client.GetChildrenAsync("/brokers/topics", cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (KeeperException e) when (e.Code == KeeperErrorCode.NoNode)
        {
            return;
        }

        foreach (var topic in topics.Children.Order(StringComparer.Ordinal))
        {
            var topicPath = "/brokers/topics/" + topic;
            IReadOnlyDictionary<int, IReadOnlyList<int>> assignment;
            try
            {
                assignment = KafkaJson.TopicAssignment((await client.GetDataAsync(topicPath, cancellationToken: cancellationToken).ConfigureAwait(false)).Data);
            }
            catch (KeeperException e) when (e.Code == KeeperErrorCode.NoNode)
            {
                continue;
            }

            foreach (var (partition, replicas) in assignment.OrderBy(p => p.Key))
            {
                await UpdatePartitionAsync(client, topic, partition, replicas, controllerEpoch, live, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private async Task UpdatePartitionAsync(ZooKeeperClient client, string topic, int partition, IReadOnlyList<int> replicas, int controllerEpoch, HashSet<int> live, CancellationToken cancellationToken)
    {
        var statePath = $"/brokers/topics/{topic}/partitions/{partition.ToString(CultureInfo.InvariantCulture)}/state";
        KafkaJson.PartitionState? current = null;
        var version = -1;
        try
        {
            var data = await client.GetDataAsync(statePath, cancellationToken: cancellationToken).ConfigureAwait(false);
            current = KafkaJson.PartitionState.Parse(data.Data);
            version = data.Stat.Version;
        }
        catch (KeeperException e) when (e.Code == KeeperErrorCode.NoNode)
        {
            await Retry.EnsurePathAsync(client, statePath[..statePath.LastIndexOf('/')], _acls, _logger, cancellationToken).ConfigureAwait(false);
        }

        var isr = replicas.Where(live.Contains).ToList();
        // An offline partition keeps its last ISR with no leader, as Kafka does.
        var leader = current is not null && isr.Contains(current.Leader) ? current.Leader : isr.Count > 0 ? isr[0] : -1;
        if (isr.Count == 0)
        {
            isr = current?.Isr.ToList() ?? [];
        }

        if (current is not null && current.Leader == leader && current.Isr.SequenceEqual(isr))
        {
            return;
        }

        var next = new KafkaJson.PartitionState(controllerEpoch, leader, current is null ? 0 : current.LeaderEpoch + 1, isr);
        try
        {
            if (current is null)
            {
                await client.CreateAsync(statePath, next.ToBytes(), CreateMode.Persistent, _acls(statePath), cancellationToken: cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await client.SetDataAsync(statePath, next.ToBytes(), version, cancellationToken).ConfigureAwait(false);
            }

            StandInLog.PartitionStateChanged(_logger, topic, partition, leader, string.Join(',', isr), next.LeaderEpoch);
        }
        catch (KeeperException e) when (e.Code is KeeperErrorCode.BadVersion or KeeperErrorCode.NodeExists)
        {
            // Changed under us; the next round reads it again.
        }
    }

    private static int ParseEpoch(byte[] data) =>
        int.TryParse(Encoding.ASCII.GetString(data).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var epoch) ? epoch : 0;

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
