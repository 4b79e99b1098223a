using ZkMitosis.Coordinator.Copy;
using ZkMitosis.ZooKeeper;

namespace ZkMitosis.Coordinator.Engine.Steps;

/// <summary>
/// Strategy copy, step 3: while the tenants run, copies each moved chroot to the destination through the client API,
/// faithfully (data, ACLs, data versions, sequential counters), reading from one source learner with two reads in
/// flight. A rerun copies only what differs. What the destination held at the chroot before is journaled first,
/// once: abort removes what the copy wrote from it.
/// </summary>
internal sealed class PreCopyStep : MigrationStep
{
    public const string StepId = "pre-copy";

    public override string Id => StepId;

    public override string Title => "Pre-copy: each moved chroot to the destination, faithful, from a source learner, while the tenants run";

    public override IReadOnlyList<string> ChecksBefore => ["preflight passed", "the destination's chroot recorded as absent, empty or merged (once, before any write)"];

    public override IReadOnlyList<string> Actions => ["copy each moved chroot from a source follower or observer to the destination (faithful, 2 reads and 4 multi batches in flight, batches under the destination's jute.maxbuffer)"];

    public override IReadOnlyList<string> ChecksAfter => ["every persistent source znode read was written or already equal; nothing needs credentials we lack"];

    public override async Task ExecuteAsync(StepContext context, CancellationToken cancellationToken)
    {
        var plan = context.Plan;
        var maxFrame = await CopyTrees.MaxFrameBytesAsync(context, cancellationToken).ConfigureAwait(false);
        var readFrom = await CopyTrees.ReadServerAsync(context, cancellationToken).ConfigureAwait(false);
        foreach (var chroot in CopyTrees.Chroots(plan))
        {
            if (context.Observed<string>(StepId, CopyTrees.BeforeKey(chroot)) is null)
            {
                await context.ObserveAsync(CopyTrees.BeforeKey(chroot), await DestinationStateAsync(context, chroot, cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
            }

            var summary = await TreeCopier.CopyAsync(CopyTrees.Options(plan, readFrom, chroot, maxFrame), cancellationToken: cancellationToken).ConfigureAwait(false);
            if (summary.NeedsCredentials.Count > 0)
            {
                throw new StepFailedException(Id, $"{chroot}: {summary.NeedsCredentials.Count} znode(s) could not be copied: {string.Join("; ", summary.NeedsCredentials.Take(3))}");
            }

            await context.ObserveAsync("copy:" + chroot, new CopyFigures(summary.SourceNodes, summary.Created, summary.DataUpdated, summary.AclUpdated, summary.Deleted, summary.Unchanged, summary.Elapsed.TotalMilliseconds, summary.ZnodesPerSecond, readFrom.ClientEndpoint), cancellationToken).ConfigureAwait(false);
            context.Info($"{chroot}: {summary.SourceNodes} znodes read from {readFrom.ClientEndpoint}, {summary.Created} created, {summary.DataUpdated} updated, {summary.Deleted} deleted on the destination in {summary.Elapsed.TotalSeconds:0.0} s ({summary.ZnodesPerSecond:0}/s)");
        }
    }

    private static async Task<string> DestinationStateAsync(StepContext context, string chroot, CancellationToken cancellationToken)
    {
        await using var client = await ZooKeeperClient.ConnectAsync(CopyTrees.Hosts(context.Plan.Destination), cancellationToken: cancellationToken).ConfigureAwait(false);
        return await client.ExistsAsync(chroot, cancellationToken: cancellationToken).ConfigureAwait(false) switch
        {
            null => CopyTrees.Absent,
            { NumChildren: 0 } => CopyTrees.Empty,
            _ => CopyTrees.Merged,
        };
    }
}

/// <summary>One chroot's pre-copy, as journaled and reported: counts, milliseconds, znodes per second, the server read.</summary>
public sealed record CopyFigures(long SourceNodes, long Created, long DataUpdated, long AclUpdated, long Deleted, long Unchanged, double Milliseconds, double ZnodesPerSecond, string ReadFrom);
