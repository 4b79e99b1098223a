using System.Text.Json;
using System.Text.Json.Nodes;
using ZkMitosis.Coordinator.Copy;
using ZkMitosis.Coordinator.Engine;
using ZkMitosis.Coordinator.Journal;
using ZkMitosis.Coordinator.Plans;
using ZkMitosis.Coordinator.Security;

namespace ZkMitosis.Coordinator.Cleanup;

/// <summary>
/// The cleanup commands after a finished split (<c>migrate prune-destination</c>, <c>migrate mark-source</c>): each
/// loads the plan the migration ran from the state directory, refuses unless its journal says the migration completed,
/// holds the plan's state directory lock, and journals what it did in <c>cleanup.jsonl</c> beside the migration's journal
/// (same format and checksums), a record before acting and one with the result.
/// </summary>
public static class CleanupRunner
{
    /// <summary>The cleanup journal's file name in the plan's state directory.</summary>
    public const string JournalFileName = "cleanup.jsonl";

    /// <summary>The action name of the destination prune in <see cref="JournalFileName"/>'s records.</summary>
    public const string PruneDestinationAction = "prune-destination";

    /// <summary>The record type of a cleanup action that finished (dry runs are not journaled).</summary>
    public const string DoneRecordType = "cleanup-done";

    /// <summary>Removes everything outside the moved chroots from the destination (<see cref="DestinationPruner"/>).</summary>
    /// <exception cref="InvalidOperationException">no such migration, or several and none named.</exception>
    /// <exception cref="CleanupRefusedException">the migration has not completed, or the prune would be unsafe; nothing changed.</exception>
    public static Task<PruneResult> PruneDestinationAsync(string? planId, string stateRoot, bool dryRun, CancellationToken cancellationToken) =>
        WithFinishedMigrationAsync(planId, stateRoot, PruneDestinationAction, dryRun, async (plan, _) =>
        {
            var access = EnsembleAccess.Destination(plan);
            var hosts = access.Hosts();
            await using var client = await access.ConnectAsync("", SessionOptions, cancellationToken).ConfigureAwait(false);
            return await DestinationPruner.PruneAsync(client, hosts, CleanupScope.Of(plan), dryRun, cancellationToken).ConfigureAwait(false);
        }, cancellationToken);

    /// <summary>Marks each moved chroot stale on the source and, past <paramref name="removeAfter"/>, removes it (<see cref="SourceMarker"/>).</summary>
    /// <exception cref="InvalidOperationException">no such migration, or several and none named.</exception>
    /// <exception cref="CleanupRefusedException">the migration has not completed, or a removal would be unsafe.</exception>
    public static Task<IReadOnlyList<MarkResult>> MarkSourceAsync(string? planId, string stateRoot, TimeSpan? removeAfter, bool dryRun, TimeProvider time, CancellationToken cancellationToken) =>
        WithFinishedMigrationAsync<IReadOnlyList<MarkResult>>(planId, stateRoot, "mark-source", dryRun, async (plan, _) =>
        {
            var access = EnsembleAccess.Source(plan);
            var hosts = access.Hosts();
            // What the stale copy's marker names: where the tenant lives now, as its clients connect (plain client ports).
            var destination = string.Join(',', plan.Destination.Select(d => d.ClientEndpoint));
            await using var client = await access.ConnectAsync("", SessionOptions, cancellationToken).ConfigureAwait(false);
            var results = new List<MarkResult>();
            foreach (var chroot in CleanupScope.Of(plan).Chroots)
            {
                results.Add(await SourceMarker.MarkAsync(client, hosts, chroot, plan.PlanId, destination + chroot, removeAfter, time.GetUtcNow(), dryRun, cancellationToken).ConfigureAwait(false));
            }

            return results;
        }, cancellationToken);

    /// <summary>The cleanups' sessions: long requests (a subtree's listing) and replies above jute.maxbuffer (multiRead).</summary>
    private static ZooKeeper.ZooKeeperClientOptions SessionOptions => new()
    {
        RequestTimeout = TimeSpan.FromSeconds(30),
        MaxReplyFrameBytes = SessionFactory.ReadFrameBytes,
    };

    private static async Task<T> WithFinishedMigrationAsync<T>(string? planId, string stateRoot, string action, bool dryRun, Func<MigrationPlan, CancellationToken, Task<T>> run, CancellationToken cancellationToken)
    {
        var store = new MigrationStore(stateRoot);
        var id = store.Resolve(planId);
        using var held = store.Lock(id);
        var state = JournalState.From(FileJournal.ReadExisting(store.JournalPath(id)));
        if (!state.Completed)
        {
            throw new CleanupRefusedException($"migration {id} has not completed (its journal has no 'completed' record): {action} runs only after the split");
        }

        var plan = PlanLoader.Load(File.ReadAllText(store.PlanCopyPath(id)));
        if (dryRun)
        {
            return await run(plan, cancellationToken).ConfigureAwait(false);
        }

        using var journal = FileJournal.Open(Path.Combine(store.PlanDirectory(id), JournalFileName));
        await journal.AppendAsync(new JournalRecord { Type = "cleanup-started", Key = action }, cancellationToken).ConfigureAwait(false);
        try
        {
            var result = await run(plan, cancellationToken).ConfigureAwait(false);
            await journal.AppendAsync(new JournalRecord { Type = DoneRecordType, Key = action, Value = ToNode(result) }, CancellationToken.None).ConfigureAwait(false);
            return result;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            await journal.AppendAsync(new JournalRecord { Type = "cleanup-failed", Key = action, Message = e.Message }, CancellationToken.None).ConfigureAwait(false);
            throw;
        }
    }

    private static JsonNode? ToNode<T>(T value) => JsonSerializer.SerializeToNode(value, JournalJson.Options);
}
