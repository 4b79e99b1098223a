using System.Globalization;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using ZkMitosis.Coordinator.Plans;
using ZkMitosis.Coordinator.Security;
using ZkMitosis.ZooKeeper;
using ZkMitosis.ZooKeeper.FourLetterWords;

namespace ZkMitosis.Coordinator.Verification;

/// <summary>
/// Reads the clusters directly: <c>srvr</c> on each server's client port (with a plan whose ensemble says
/// <c>clientTls</c>, over TLS on its secure client port), and Kafka's tree through a short
/// ZooKeeper session per question (the coordinator never keeps a session that could itself be a tenant).
/// </summary>
public sealed class ZooKeeperClusterInspector : IClusterInspector
{
    /// <summary>Bound on one four-letter word (default 3 s).</summary>
    public TimeSpan FourLetterWordTimeout { get; init; } = TimeSpan.FromSeconds(3);

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
            // With a plan, the port and TLS of the server's ensemble (EnsembleAccess): a TLS-only server is observed on its secureClientPort.
            var reply = Plan is null
                ? await FourLetterWordClient.SendAsync(server.Host, server.ClientPort, "srvr", FourLetterWordTimeout, cancellationToken).ConfigureAwait(false)
                : await EnsembleAccess.Of(Plan, [server]).FourLetterWordAsync(server, "srvr", FourLetterWordTimeout, cancellationToken).ConfigureAwait(false);
            return SrvrParser.Parse(reply);
        }
        catch (InvalidDataException e)
        {
            return new ServerObservation(false, null, -1, e.Message);
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
        // A session whose replies may carry a whole chunk of znodes (ChrootReader sizes its requests under MaxFrameBytes).
        var options = new ZooKeeperClientOptions
        {
            SessionTimeout = ClientOptions.SessionTimeout,
            ConnectTimeout = ClientOptions.ConnectTimeout,
            RequestTimeout = ClientOptions.RequestTimeout,
            ReconnectDelay = ClientOptions.ReconnectDelay,
            MaxFrameBytes = ClientOptions.MaxFrameBytes,
            MaxReplyFrameBytes = Math.Max(ClientOptions.MaxReplyFrameBytes, Math.Max(ClientOptions.MaxFrameBytes, ChrootReader.ReplyFrameBytes)),
            TimeProvider = ClientOptions.TimeProvider,
            Logger = ClientOptions.Logger,
        };
        return await WithSessionAsync(servers, "", options, client => ChrootReader.ReadAsync(client, chroot, options.MaxFrameBytes, cancellationToken), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Runs <paramref name="read"/> on a short session on <paramref name="servers"/> under <paramref name="chroot"/>: with a
    /// plan, through <see cref="EnsembleAccess"/> with the security of the servers' ensemble.
    /// </summary>
    /// <exception cref="EnsembleAccessException">With a plan: the session could not be made, or the server refused it
    /// (TLS, SASL, ACL); one line naming the ensemble and what the plan may lack, no secret.</exception>
    private Task<T> WithSessionAsync<T>(IReadOnlyList<ServerSpec> servers, string chroot, Func<ZooKeeperClient, Task<T>> read, CancellationToken cancellationToken) =>
        WithSessionAsync(servers, chroot, ClientOptions, read, cancellationToken);

    private async Task<T> WithSessionAsync<T>(IReadOnlyList<ServerSpec> servers, string chroot, ZooKeeperClientOptions options, Func<ZooKeeperClient, Task<T>> read, CancellationToken cancellationToken)
    {
        if (Plan is null)
        {
            await using var plain = await ZooKeeperClient.ConnectAsync(string.Join(',', servers.Select(s => s.ClientEndpoint)) + chroot, options, cancellationToken).ConfigureAwait(false);
            return await read(plain).ConfigureAwait(false);
        }

        return await EnsembleAccess.Of(Plan, servers).UseAsync(chroot, options, read, cancellationToken, servers).ConfigureAwait(false);
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
