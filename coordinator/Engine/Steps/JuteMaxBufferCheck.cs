using System.Globalization;
using System.Text;
using ZkMitosis.Coordinator.Plans;
using ZkMitosis.Coordinator.Verification;

namespace ZkMitosis.Coordinator.Engine.Steps;

/// <summary>One ZooKeeper server's <c>jute.maxbuffer</c> as its agent read it (bytes 0: unknown).</summary>
internal sealed record ServerJuteMaxBuffer(ServerSpec Server, bool Source, long Bytes, string From)
{
    public string Name => $"{(Source ? "source" : "destination")} server {Server.Id} ({Server.Host})";
}

/// <summary>The chroot's largest znode and widest node, and the reply that lists the widest, in bytes on the wire.</summary>
/// <param name="LargestPath">The znode with the most data ("" for an empty chroot).</param>
/// <param name="LargestData">Its data length.</param>
/// <param name="WidestPath">The znode with the most children.</param>
/// <param name="WidestChildren">How many.</param>
/// <param name="WidestReply">The getChildren reply listing them (reply header, vector length, each name with its length).</param>
internal sealed record ChrootLimits(string LargestPath, long LargestData, string WidestPath, int WidestChildren, long WidestReply)
{
    /// <summary>A reply's header: xid (int), zxid (long), err (int).</summary>
    private const int ReplyHeaderBytes = 16;

    /// <summary>Measures <paramref name="snapshot"/> (ephemeral znodes included: getChildren lists them too).</summary>
    public static ChrootLimits From(ChrootSnapshot snapshot)
    {
        var largest = snapshot.Nodes.OrderByDescending(n => n.Value.DataLength).ThenBy(n => n.Key, StringComparer.Ordinal).FirstOrDefault();
        var widest = snapshot.Nodes.Keys.Where(p => p.Length > 1)
            .GroupBy(p => p[..Math.Max(1, p.LastIndexOf('/'))], StringComparer.Ordinal)
            .Select(g => (Path: g.Key, Count: g.Count(), Reply: ReplyHeaderBytes + 4L + g.Sum(p => 4L + Encoding.UTF8.GetByteCount(p[(p.LastIndexOf('/') + 1)..]))))
            .OrderByDescending(g => g.Reply).ThenBy(g => g.Path, StringComparer.Ordinal).FirstOrDefault();
        return new ChrootLimits(largest.Key ?? "", largest.Key is null ? 0 : largest.Value.DataLength, widest.Path ?? "", widest.Count, widest.Path is null ? 0 : widest.Reply);
    }
}

/// <summary>
/// <c>jute.maxbuffer</c> on both sides. ZooKeeper reads it once from the JVM (org.apache.jute.BinaryInputArchive,
/// default 0xfffff bytes): a server refuses a request larger than it and reads no field (znode data, path) larger than
/// it plus <c>zookeeper.jute.maxbuffer.extrasize</c> from a snapshot, txn log or its leader. A destination with a
/// smaller value than the source can fail its observer sync on a large znode, and once it serves it refuses the
/// writes the source accepted; the coordinator reads the chroot through a client whose replies are bounded too.
/// </summary>
internal static class JuteMaxBufferCheck
{
    /// <summary>Reads every ZooKeeper server's value through its agent; an agent that does not answer is left out (preflight reports it).</summary>
    public static async Task<IReadOnlyList<ServerJuteMaxBuffer>> ReadAsync(StepContext context, bool sourceToo, CancellationToken cancellationToken)
    {
        var servers = (sourceToo ? context.Plan.Source.Select(s => (Server: s, Source: true)) : [])
            .Concat(context.Plan.Destination.Select(d => (Server: d, Source: false)));
        var reads = await Task.WhenAll(servers.Select(async s =>
        {
            try
            {
                var description = await context.Agent(s.Server.Agent).DescribeAsync(cancellationToken).ConfigureAwait(false);
                return new ServerJuteMaxBuffer(s.Server, s.Source, description.JuteMaxBuffer, description.JuteMaxBufferSource);
            }
            catch (Agents.AgentCallException)
            {
                return null;
            }
        })).ConfigureAwait(false);
        return reads.OfType<ServerJuteMaxBuffer>().ToList();
    }

    /// <summary>
    /// A problem for every destination server whose value is below the largest source value; a note (when
    /// <paramref name="notes"/> is given) for every server whose value is unknown.
    /// </summary>
    public static void CompareValues(IReadOnlyList<ServerJuteMaxBuffer> servers, List<string> problems, List<string>? notes)
    {
        var source = servers.Where(s => s.Source && s.Bytes > 0).OrderByDescending(s => s.Bytes).FirstOrDefault();
        foreach (var destination in servers.Where(s => !s.Source && s.Bytes > 0 && source is not null && s.Bytes < source.Bytes))
        {
            problems.Add($"{destination.Name}: jute.maxbuffer is {Bytes(destination.Bytes)} ({destination.From}), below {source!.Name}'s {Bytes(source.Bytes)} ({source.From}): a znode the source accepts can break this node's observer sync and its writes would be refused after the move; start it with -Djute.maxbuffer={source.Bytes.ToString(CultureInfo.InvariantCulture)} or more");
        }

        foreach (var unknown in servers.Where(s => s.Bytes <= 0))
        {
            notes?.Add($"{unknown.Name}: jute.maxbuffer not checked: {unknown.From}");
        }
    }

    /// <summary>
    /// Problems when the chroot does not fit: its largest znode above a destination server's value (the server refuses
    /// to sync or rewrite it), or the reply that lists the widest node above <paramref name="replyLimit"/>, the bound of
    /// the coordinator's own ZooKeeper client (baseline and verify list the whole chroot with it). The largest znode's
    /// data is not a reply the run reads: baseline and verify take each znode's Stat (<c>exists</c>), not its data.
    /// </summary>
    public static void CheckTree(ChrootLimits limits, IReadOnlyList<ServerJuteMaxBuffer> servers, int replyLimit, List<string> problems)
    {
        foreach (var destination in servers.Where(s => !s.Source && s.Bytes > 0 && limits.LargestData > s.Bytes))
        {
            problems.Add($"{destination.Name}: jute.maxbuffer is {Bytes(destination.Bytes)} ({destination.From}), but znode {limits.LargestPath} holds {Bytes(limits.LargestData)} of data: this node cannot sync or rewrite it; start it with -Djute.maxbuffer={limits.LargestData.ToString(CultureInfo.InvariantCulture)} or more");
        }

        if (limits.WidestReply > replyLimit)
        {
            problems.Add($"chroot: getChildren of {limits.WidestPath} ({limits.WidestChildren.ToString(CultureInfo.InvariantCulture)} children) takes a {Bytes(limits.WidestReply)} reply, above the {Bytes(replyLimit)} the migration's ZooKeeper client reads (baseline and verify list every node)");
        }
    }

    /// <summary>"1048575 bytes", or with MiB from 1 MiB up.</summary>
    public static string Bytes(long bytes) => bytes >= 1 << 20
        ? $"{bytes.ToString(CultureInfo.InvariantCulture)} bytes ({(bytes / 1048576.0).ToString("0.0", CultureInfo.InvariantCulture)} MiB)"
        : $"{bytes.ToString(CultureInfo.InvariantCulture)} bytes";
}
