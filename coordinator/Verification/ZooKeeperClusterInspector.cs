using System.Globalization;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using ZkMitosis.Coordinator.Plans;
using ZkMitosis.Coordinator.Security;
using ZkMitosis.ZooKeeper;
using ZkMitosis.ZooKeeper.FourLetterWords;

namespace ZkMitosis.Coordinator.Verification;

/// <summary>
/// Reads the clusters directly: <c>srvr</c> on each server's client port, and Kafka's tree through a short
/// ZooKeeper session per question (the coordinator never keeps a session that could itself be a tenant).
/// </summary>
public sealed class ZooKeeperClusterInspector : IClusterInspector
{
    /// <summary>Bound on one four-letter word (default 3 s).</summary>
    public TimeSpan FourLetterWordTimeout { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>Znodes a chroot snapshot reads at once (two pipelined requests each).</summary>
    private const int SnapshotReadsInFlight = 8;

    /// <summary>Options of the short verification sessions (default: 10 s session, 3 s connect, 10 s requests).</summary>
    public ZooKeeperClientOptions ClientOptions { get; init; } = new() { SessionTimeout = TimeSpan.FromSeconds(10), ConnectTimeout = TimeSpan.FromSeconds(3) };

    /// <summary>
    /// The plan whose ensembles are read: each session uses the security of the ensemble its servers belong to
    /// (<see cref="EnsembleAccess"/>: secure ports, TLS, SASL or digest credentials). Null: plain anonymous sessions
    /// on the client ports, for servers outside any plan.
    /// </summary>
    public MigrationPlan? Plan { get; init; }

    public async Task<ServerObservation> ObserveServerAsync(ServerSpec server, CancellationToken cancellationToken)
    {
        try
        {
            var reply = await FourLetterWordClient.SendAsync(server.Host, server.ClientPort, "srvr", FourLetterWordTimeout, cancellationToken).ConfigureAwait(false);
            return SrvrParser.Parse(reply);
        }
        catch (FourLetterWordException e)
        {
            return new ServerObservation(false, null, -1, e.Message);
        }
        catch (SocketException e)
        {
            return new ServerObservation(false, null, -1, e.SocketErrorCode.ToString());
        }
        catch (IOException e)
        {
            return new ServerObservation(false, null, -1, e.Message);
        }
    }

    public async Task<bool> ExistsAsync(IReadOnlyList<ServerSpec> servers, string path, CancellationToken cancellationToken)
    {
        return await WithSessionAsync(servers, "", async client =>
        {
            return await client.ExistsAsync(path, cancellationToken: cancellationToken).ConfigureAwait(false) is not null;
        }, cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<TenantRegistration>> ReadRegistrationsAsync(IReadOnlyList<ServerSpec> servers, string path, string? child, CancellationToken cancellationToken)
    {
        return await WithSessionAsync(servers, "", async client =>
        {
            var registrations = new List<TenantRegistration>();
            foreach (var name in await ChildrenOrEmptyAsync(client, path, cancellationToken).ConfigureAwait(false))
            {
                var registration = child is null ? $"{path}/{name}" : $"{path}/{name}/{child}";
                if (await client.ExistsAsync(registration, cancellationToken: cancellationToken).ConfigureAwait(false) is { EphemeralOwner: not 0 } stat)
                {
                    registrations.Add(new TenantRegistration(registration, stat.EphemeralOwner));
                }
            }

            return registrations;
        }, cancellationToken).ConfigureAwait(false);
    }

    public async Task<KafkaState> ReadKafkaStateAsync(IReadOnlyList<ServerSpec> servers, string chroot, CancellationToken cancellationToken)
    {
        return await WithSessionAsync(servers, chroot, async client =>
        {
            var brokers = new Dictionary<int, BrokerRegistration>();
            foreach (var child in await ChildrenOrEmptyAsync(client, "/brokers/ids", cancellationToken).ConfigureAwait(false))
            {
                if (int.TryParse(child, NumberStyles.Integer, CultureInfo.InvariantCulture, out var id)
                    && await client.ExistsAsync($"/brokers/ids/{child}", cancellationToken: cancellationToken).ConfigureAwait(false) is { } stat)
                {
                    brokers[id] = new BrokerRegistration(id, stat.Czxid, stat.EphemeralOwner);
                }
            }

            long? controllerEpoch = null;
            if (await DataOrNullAsync(client, "/controller_epoch", cancellationToken).ConfigureAwait(false) is { } epochData
                && long.TryParse(Encoding.UTF8.GetString(epochData).Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var epoch))
            {
                controllerEpoch = epoch;
            }

            int? controller = null;
            if (await DataOrNullAsync(client, "/controller", cancellationToken).ConfigureAwait(false) is { } controllerData)
            {
                controller = TryJson(controllerData, out var json) && json.TryGetProperty("brokerid", out var b) && b.TryGetInt32(out var bid) ? bid : null;
            }

            var problems = new List<PartitionProblem>();
            var partitions = 0;
            foreach (var topic in await ChildrenOrEmptyAsync(client, "/brokers/topics", cancellationToken).ConfigureAwait(false))
            {
                var assignment = await DataOrNullAsync(client, $"/brokers/topics/{topic}", cancellationToken).ConfigureAwait(false);
                if (assignment is null || !TryJson(assignment, out var topicJson) || !topicJson.TryGetProperty("partitions", out var parts))
                {
                    problems.Add(new PartitionProblem(topic, -1, "no partition assignment"));
                    continue;
                }

                foreach (var part in parts.EnumerateObject())
                {
                    partitions++;
                    var partition = int.Parse(part.Name, CultureInfo.InvariantCulture);
                    var replicas = part.Value.EnumerateArray().Select(r => r.GetInt32()).ToList();
                    var stateData = await DataOrNullAsync(client, $"/brokers/topics/{topic}/partitions/{part.Name}/state", cancellationToken).ConfigureAwait(false);
                    if (stateData is null || !TryJson(stateData, out var state))
                    {
                        problems.Add(new PartitionProblem(topic, partition, "no state"));
                        continue;
                    }

                    var leader = state.TryGetProperty("leader", out var l) ? l.GetInt32() : -1;
                    var isr = state.TryGetProperty("isr", out var i) ? i.EnumerateArray().Select(x => x.GetInt32()).ToList() : [];
                    if (leader < 0)
                    {
                        problems.Add(new PartitionProblem(topic, partition, "offline (no leader)"));
                    }
                    else if (!brokers.ContainsKey(leader))
                    {
                        problems.Add(new PartitionProblem(topic, partition, $"leader {leader} is not registered"));
                    }
                    else if (replicas.Except(isr).Any())
                    {
                        problems.Add(new PartitionProblem(topic, partition, $"under-replicated (isr {string.Join(",", isr)} of {string.Join(",", replicas)})"));
                    }
                }
            }

            return new KafkaState(brokers, controllerEpoch, controller, problems, partitions);
        }, cancellationToken).ConfigureAwait(false);
    }

    public async Task<Switch.KafkaTopology> ReadKafkaTopologyAsync(IReadOnlyList<ServerSpec> servers, string chroot, CancellationToken cancellationToken)
    {
        return await WithSessionAsync(servers, chroot, async client =>
        {
            return await Switch.KafkaTopologyReader.ReadAsync(client, cancellationToken).ConfigureAwait(false);
        }, cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<string>> ReadExtraRootsAsync(IReadOnlyList<ServerSpec> servers, Cleanup.CleanupScope scope, CancellationToken cancellationToken)
    {
        return await WithSessionAsync(servers, "", client => Cleanup.DestinationPruner.ExtraRootsAsync(client, scope, cancellationToken), cancellationToken).ConfigureAwait(false);
    }

    public async Task<ChrootSnapshot> SnapshotAsync(IReadOnlyList<ServerSpec> servers, string chroot, CancellationToken cancellationToken)
    {
        return await WithSessionAsync(servers, "", async client =>
        {
            var nodes = new SortedDictionary<string, ZnodeSummary>(StringComparer.Ordinal);
            using var digest = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            var level = new List<string> { chroot };
            // One level at a time, pipelined, but with a bounded number of znodes in flight: the servers serve other
            // tenants meanwhile (the source's, while the destination elects), and a whole level sent at once queued
            // their requests behind thousands of ours (a 400 ms gap for the source's clients in the lab).
            using var inFlight = new SemaphoreSlim(SnapshotReadsInFlight);
            while (level.Count > 0)
            {
                var next = new List<string>();
                var results = await Task.WhenAll(level.Select(async path =>
                {
                    await inFlight.WaitAsync(cancellationToken).ConfigureAwait(false);
                    try
                    {
                        // The snapshot needs each znode's Stat, never its data: exists answers with a Stat of fixed size,
                        // so a znode larger than the client's frame limit (a source running a larger jute.maxbuffer) is
                        // measured here instead of failing the read with a frame error.
                        var stat = await client.ExistsAsync(path, cancellationToken: cancellationToken).ConfigureAwait(false);
                        var children = stat is { NumChildren: > 0 }
                            ? await ChildrenOfAsync(client, path, stat.NumChildren, cancellationToken).ConfigureAwait(false)
                            : [];
                        return (path, stat, children);
                    }
                    catch (KeeperException e) when (e.Code == KeeperErrorCode.NoNode)
                    {
                        return (path, stat: (ZooKeeperStat?)null, children: (IReadOnlyList<string>)[]);
                    }
                    finally
                    {
                        inFlight.Release();
                    }
                })).ConfigureAwait(false);
                foreach (var (path, stat, children) in results.OrderBy(r => r.path, StringComparer.Ordinal))
                {
                    if (stat is null)
                    {
                        continue;
                    }

                    var ephemeral = stat.EphemeralOwner != 0;
                    nodes[path] = new ZnodeSummary(stat.Version, stat.Mzxid, ephemeral, stat.DataLength) { Owner = stat.EphemeralOwner };
                    next.AddRange(children.Select(c => path == "/" ? "/" + c : $"{path}/{c}"));
                }

                level = next;
            }

            foreach (var (path, _) in nodes.Where(n => !n.Value.Ephemeral))
            {
                digest.AppendData(Encoding.UTF8.GetBytes(path + "\n" + nodes[path].Version.ToString(CultureInfo.InvariantCulture) + "\n"));
            }

            return new ChrootSnapshot(nodes, Convert.ToHexStringLower(digest.GetHashAndReset()));
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Runs <paramref name="read"/> on a short session on <paramref name="servers"/> under <paramref name="chroot"/>: with a
    /// plan, through <see cref="EnsembleAccess"/> with the security of the servers' ensemble.
    /// </summary>
    /// <exception cref="EnsembleAccessException">With a plan: the session could not be made, or the server refused it
    /// (TLS, SASL, ACL); one line naming the ensemble and what the plan may lack, no secret.</exception>
    private async Task<T> WithSessionAsync<T>(IReadOnlyList<ServerSpec> servers, string chroot, Func<ZooKeeperClient, Task<T>> read, CancellationToken cancellationToken)
    {
        if (Plan is null)
        {
            await using var plain = await ZooKeeperClient.ConnectAsync(string.Join(',', servers.Select(s => s.ClientEndpoint)) + chroot, ClientOptions, cancellationToken).ConfigureAwait(false);
            return await read(plain).ConfigureAwait(false);
        }

        return await EnsembleAccess.Of(Plan, servers).UseAsync(chroot, ClientOptions, read, cancellationToken, servers).ConfigureAwait(false);
    }

    /// <summary>
    /// The children of <paramref name="path"/>; a listing whose reply is larger than the client accepts fails with one
    /// line naming the node and its number of children (<see cref="ChrootReadException"/>), not with the client's frame error.
    /// </summary>
    private async Task<IReadOnlyList<string>> ChildrenOfAsync(ZooKeeperClient client, string path, int count, CancellationToken cancellationToken)
    {
        try
        {
            return (await client.GetChildrenAsync(path, cancellationToken: cancellationToken).ConfigureAwait(false)).Children;
        }
        catch (KeeperException e) when (e is { Code: KeeperErrorCode.ConnectionLoss, InnerException: ZooKeeperProtocolException })
        {
            var limit = ClientOptions.MaxReplyFrameBytes > 0 ? ClientOptions.MaxReplyFrameBytes : ClientOptions.MaxFrameBytes;
            throw new ChrootReadException(path, $"listing the {count.ToString(CultureInfo.InvariantCulture)} children of {path} takes a reply above the {limit.ToString(CultureInfo.InvariantCulture)} bytes the migration's ZooKeeper client reads ({e.InnerException.Message}): remove or move children of {path} before the migration", e);
        }
    }

    private static async Task<IReadOnlyList<string>> ChildrenOrEmptyAsync(ZooKeeperClient client, string path, CancellationToken cancellationToken)
    {
        try
        {
            return (await client.GetChildrenAsync(path, cancellationToken: cancellationToken).ConfigureAwait(false)).Children;
        }
        catch (KeeperException e) when (e.Code == KeeperErrorCode.NoNode)
        {
            return [];
        }
    }

    private static async Task<byte[]?> DataOrNullAsync(ZooKeeperClient client, string path, CancellationToken cancellationToken)
    {
        try
        {
            return (await client.GetDataAsync(path, cancellationToken: cancellationToken).ConfigureAwait(false)).Data;
        }
        catch (KeeperException e) when (e.Code == KeeperErrorCode.NoNode)
        {
            return null;
        }
    }

    private static bool TryJson(byte[] data, out JsonElement element)
    {
        try
        {
            element = JsonDocument.Parse(data).RootElement.Clone();
            return true;
        }
        catch (JsonException)
        {
            element = default;
            return false;
        }
    }
}
