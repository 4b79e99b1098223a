using ZkMitosis.Agent.V1;

namespace ZkMitosis.Coordinator.Agents;

/// <summary>An agent's own clock as read by one Describe, bounded by the call's round trip.</summary>
/// <param name="Description">The Describe answer.</param>
/// <param name="Sent">The coordinator's clock when the call was sent.</param>
/// <param name="Received">The coordinator's clock when the answer arrived.</param>
public sealed record TimedDescription(DescribeResponse Description, DateTimeOffset Sent, DateTimeOffset Received)
{
    /// <summary>
    /// The agent's clock minus the coordinator's at the middle of the call; the true skew lies within
    /// <see cref="Uncertainty"/> of it (the agent read its clock somewhere between send and receive). Null when the
    /// agent does not report its clock (an older agent).
    /// </summary>
    public TimeSpan? Skew => Description.Now is { } now ? now.ToDateTimeOffset() - (Sent + ((Received - Sent) / 2)) : null;

    /// <summary>Half the round trip: how far off <see cref="Skew"/> can be.</summary>
    public TimeSpan Uncertainty => (Received - Sent) / 2;
}

/// <summary>The read-only calls of <c>migrate check</c>, answered as the agent sends them.</summary>
public sealed partial class GrpcHostAgent
{
    /// <summary>Describe, timed by the coordinator's clock for the skew check.</summary>
    public async Task<TimedDescription> DescribeTimedAsync(TimeProvider time, CancellationToken cancellationToken)
    {
        var sent = time.GetUtcNow();
        var response = await CallAsync("Describe", o => client.DescribeAsync(new DescribeRequest(), o), CallTimeout, cancellationToken).ConfigureAwait(false);
        return new TimedDescription(response, sent, time.GetUtcNow());
    }

    /// <summary>srvr, mntr and cons of the local ZooKeeper, with the connection list.</summary>
    public Task<GetZooKeeperStatusResponse> ReadZooKeeperStatusAsync(CancellationToken cancellationToken) =>
        CallAsync("GetZooKeeperStatus", o => client.GetZooKeeperStatusAsync(new GetZooKeeperStatusRequest { IncludeConnections = true }, o), CallTimeout, cancellationToken);

    /// <summary>The data dir as the agent reads it: files, sizes, free space.</summary>
    public Task<InspectDataDirResponse> ReadDataDirAsync(CancellationToken cancellationToken) =>
        CallAsync("InspectDataDir", o => client.InspectDataDirAsync(new InspectDataDirRequest(), o), CallTimeout, cancellationToken);

    /// <summary>zoo.cfg (with its dynamic file and myid) or server.properties, with its parsed properties.</summary>
    public Task<ReadConfigResponse> ReadConfigAsync(string kind, CancellationToken cancellationToken) =>
        CallAsync("ReadConfig", o => client.ReadConfigAsync(new ReadConfigRequest { Kind = kind }, o), CallTimeout, cancellationToken);

    /// <summary>What the writes of <paramref name="request"/> would leave, rendered by the agent; changes nothing.</summary>
    public Task<RenderPlannedFilesResponse> RenderPlannedFilesAsync(RenderPlannedFilesRequest request, CancellationToken cancellationToken) =>
        CallAsync("RenderPlannedFiles", o => client.RenderPlannedFilesAsync(request, o), CallTimeout, cancellationToken);

    /// <summary>The cut's Isolate request (group "cut", both directions, every port): the one <see cref="IsolateAsync"/> sends.</summary>
    public static IsolateRequest CutRequest(IReadOnlyList<string> peers, IReadOnlyList<int> ports)
    {
        var request = new IsolateRequest { Group = "cut", Direction = Direction.Both };
        request.Peers.AddRange(peers);
        request.Ports.AddRange(ports.Select(p => (uint)p));
        return request;
    }
}
