using ZkMitosis.Agent.V1;
using ZkMitosis.Coordinator.Agents;
using ZkMitosis.Coordinator.Plans;

namespace ZkMitosis.Coordinator.Engine.Check;

/// <summary>
/// What one ZooKeeper host's agent said, read once for every operator check: its description (timed), zoo.cfg's
/// properties, its data dir and, when the server answers, its status. A part the agent did not give is null.
/// </summary>
internal sealed record ServerFacts(
    ServerSpec Server,
    bool Source,
    TimedDescription? Description,
    ReadConfigResponse? Config,
    InspectDataDirResponse? DataDir,
    GetZooKeeperStatusResponse? Status)
{
    public string Name => $"{(Source ? "source" : "destination")} server {Server.Id} ({Server.Host})";

    /// <summary>zoo.cfg's value of <paramref name="key"/>, or null.</summary>
    public string? Property(string key) => Config is not null && Config.Properties.TryGetValue(key, out var value) ? value.Trim() : null;

    /// <summary>The server's version (srvr's "Zookeeper version: 3.8.4-…" up to the first '-'), or null while it does not answer.</summary>
    public string? Version =>
        Description?.Description.ZookeeperVersion is { Length: > 0 } v ? v.Split(' ', '-', ',')[0] : Status?.Version is { Length: > 0 } s ? s.Split(' ', '-', ',')[0] : null;

    /// <summary>Reads everything the checks need from <paramref name="agent"/>; what fails is left null (preflight reports an unreachable agent).</summary>
    public static async Task<ServerFacts> ReadAsync(ServerSpec server, bool source, GrpcHostAgent agent, TimeProvider time, CancellationToken cancellationToken)
    {
        var description = await TryAsync(() => agent.DescribeTimedAsync(time, cancellationToken)).ConfigureAwait(false);
        var config = await TryAsync(() => agent.ReadConfigAsync("zoo.cfg", cancellationToken)).ConfigureAwait(false);
        var dataDir = await TryAsync(() => agent.ReadDataDirAsync(cancellationToken)).ConfigureAwait(false);
        var status = source ? await TryAsync(() => agent.ReadZooKeeperStatusAsync(cancellationToken)).ConfigureAwait(false) : null;
        return new ServerFacts(server, source, description, config, dataDir, status);
    }

    internal static async Task<T?> TryAsync<T>(Func<Task<T>> read)
        where T : class
    {
        try
        {
            return await read().ConfigureAwait(false);
        }
        catch (AgentCallException)
        {
            return null;
        }
    }
}
