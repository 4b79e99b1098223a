using System.Text.Json;

namespace ZkMitosis.Coordinator.Engine.Steps;

/// <summary>
/// What the source held of the chroot when Kafka left it: the destination must hold all of it. Taken once the
/// destination's first wave leads, outside the destination's unavailability window: after the cut nothing writes
/// the chroot on the source (the point of no return proved no Kafka host has a session there), so its persistent
/// znodes are those of the moment of the cut. Anyone writing there after the cut could only add nodes the
/// destination lacks, which fails the check: the safe direction.
/// </summary>
internal static class SourceChrootAtCut
{
    public const string FileName = "source-chroot-at-cut.json";

    /// <summary>Takes the snapshot unless the journal says an earlier attempt took it (the file alone proves nothing: it may be a torn write's).</summary>
    public static async Task EnsureAsync(StepContext context, CancellationToken cancellationToken)
    {
        var path = context.SideFile(FileName);
        if (context.State.Observation(ElectDestinationStep.StepId, "source-chroot") is not null && File.Exists(path))
        {
            return;
        }

        var readFrom = await ClusterQueries.FollowersOrAllAsync(context, context.Plan.Source, cancellationToken).ConfigureAwait(false);
        var snapshot = await context.Inspector.SnapshotAsync(readFrom, context.Plan.Chroot, cancellationToken).ConfigureAwait(false);
        var temporary = path + ".tmp";
        await File.WriteAllTextAsync(temporary, JsonSerializer.Serialize(snapshot, Journal.JournalJson.Options), cancellationToken).ConfigureAwait(false);
        File.Move(temporary, path, overwrite: true);
        await context.ObserveAsync("source-chroot", new { count = snapshot.Nodes.Count, persistent = snapshot.PersistentCount, digest = snapshot.Digest }, cancellationToken).ConfigureAwait(false);
        context.Info($"source chroot after the cut: {snapshot.PersistentCount} persistent znodes");
    }
}
