using System.Text;

namespace ZkMitosis.Coordinator.Engine.Steps;

/// <summary>
/// Strategy copy, step 1: checks the world against the plan and collects every problem before anything is changed.
/// Unlike the joining strategies, the destination is a running ensemble of its own (it may serve other tenants).
/// </summary>
internal sealed class CopyPreflightStep : PreflightStepBase
{
    /// <summary>The first ZooKeeper release with persistent recursive watches (addWatch, ZOOKEEPER-1416), which the live mirror follows.</summary>
    private static readonly Version AddWatchVersion = new(3, 6);

    public override string Title => "Preflight (copy): agents, both ensembles serving, the destination's chroot, znode sizes, tenants on the source";

    public override IReadOnlyList<string> Actions => ["journal the destination's jute.maxbuffer, read here once: every later step sizes its requests by it, after a resume too"];

    public override IReadOnlyList<string> ChecksAfter =>
    [
        "source: one leader, every node serving, ZooKeeper 3.6 or later (persistent recursive watches for the mirror)",
        "destination: every node serving, one leader (it may serve other tenants)",
        "each moved chroot exists on the source, and is absent or empty on the destination (or merge: gives a reason)",
        "every source znode's data fits the destination's jute.maxbuffer (as its agents read it from the JVM, else 1 MiB) less a request's headroom",
        "every moved tenant's hosts point at the source",
    ];

    protected override async Task<IReadOnlyList<string>> CheckAsync(StepContext context, CancellationToken cancellationToken)
    {
        // Read once, journaled before the checks that use it: a resumed step must size its requests as the copy did,
        // even when a destination agent does not answer then (which would leave the default, perhaps above the real one).
        var limit = await CopyTrees.ReadDestinationMaxFrameBytesAsync(context, cancellationToken).ConfigureAwait(false);
        await context.ObserveAsync(CopyTrees.MaxFrameKey, limit, cancellationToken).ConfigureAwait(false);
        return await FindProblemsAsync(context, limit, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Every check, each run whatever the others found; read only. <paramref name="maxFrameBytes"/>: the destination's jute.maxbuffer.</summary>
    internal static async Task<IReadOnlyList<string>> FindProblemsAsync(StepContext context, int maxFrameBytes, CancellationToken cancellationToken)
    {
        var plan = context.Plan;
        var problems = new List<string>();
        await Task.WhenAll(
            PreflightStep.CheckAgentsAsync(context, problems, cancellationToken),
            CheckSourceVersionsAsync(context, problems, cancellationToken),
            PreflightStep.CheckBrokersAsync(context, problems, cancellationToken)).ConfigureAwait(false);

        var source = await CheckServingAsync(context, "source", plan.Source, standaloneAllowed: true, problems, cancellationToken).ConfigureAwait(false);
        var destination = await CheckServingAsync(context, "destination", plan.Destination, standaloneAllowed: true, problems, cancellationToken).ConfigureAwait(false);

        // The chroots can be read where the ensemble is whole and a server serves.
        if (destination.Whole && destination.Observed.Values.Any(o => o.Serving))
        {
            await CheckDestinationChrootsAsync(context, problems, cancellationToken).ConfigureAwait(false);
        }

        if (source.Whole && source.Observed.Values.Any(o => o.Serving))
        {
            await CheckSourceChrootsAsync(context, maxFrameBytes, problems, cancellationToken).ConfigureAwait(false);
        }

        return problems;
    }

    private static async Task CheckSourceVersionsAsync(StepContext context, List<string> problems, CancellationToken cancellationToken)
    {
        foreach (var s in context.Plan.Source)
        {
            try
            {
                var description = await context.Agent(s.Agent).DescribeAsync(cancellationToken).ConfigureAwait(false);
                if (description.ProductVersion is { } text && ParseVersion(text) is { } version && version < AddWatchVersion)
                {
                    Add(problems, $"source server {s.Id}: ZooKeeper {text} has no persistent recursive watch (addWatch, 3.6 or later), which the copy strategy's mirror follows");
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // CheckAgentsAsync reports an agent that does not answer.
            }
        }
    }

    private static async Task CheckDestinationChrootsAsync(StepContext context, List<string> problems, CancellationToken cancellationToken)
    {
        var plan = context.Plan;
        try
        {
            await using var client = await CopyTrees.ConnectDestinationAsync(plan, cancellationToken).ConfigureAwait(false);
            foreach (var chroot in CopyTrees.Chroots(plan))
            {
                var stat = await client.ExistsAsync(chroot, cancellationToken: cancellationToken).ConfigureAwait(false);
                if (stat is { NumChildren: > 0 } && plan.Merge is null)
                {
                    Add(problems, $"destination: chroot {chroot} already holds {stat.NumChildren} child znode(s); strategy copy needs it absent or empty, or merge: with a reason to replace it");
                }
                else if (stat is { EphemeralOwner: not 0 })
                {
                    Add(problems, $"destination: chroot {chroot} is an ephemeral znode of session 0x{stat.EphemeralOwner:x}");
                }
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            Add(problems, $"destination: cannot read the chroots: {e.Message}");
        }
    }

    private static async Task CheckSourceChrootsAsync(StepContext context, int limit, List<string> problems, CancellationToken cancellationToken)
    {
        var plan = context.Plan;
        try
        {
            var readFrom = await CopyTrees.ReadServerAsync(context, cancellationToken).ConfigureAwait(false);
            foreach (var chroot in CopyTrees.Chroots(plan))
            {
                if (!await context.Inspector.ExistsAsync([readFrom], chroot, cancellationToken).ConfigureAwait(false))
                {
                    Add(problems, $"chroot {chroot} does not exist on the source");
                    continue;
                }

                var snapshot = await context.Inspector.SnapshotAsync([readFrom], chroot, cancellationToken).ConfigureAwait(false);
                var tooLarge = snapshot.Nodes.Where(n => !n.Value.Ephemeral && !Fits(n.Key, n.Value.DataLength, limit)).Select(n => $"{n.Key} ({n.Value.DataLength} bytes)").ToList();
                if (tooLarge.Count > 0)
                {
                    Add(problems, $"source: {tooLarge.Count} znode(s) under {chroot} do not fit the destination's jute.maxbuffer of {limit} bytes less {CopyTrees.RequestHeadroomBytes} bytes of headroom: {string.Join(", ", tooLarge.Take(5))}");
                }
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            Add(problems, $"source: cannot read the chroots: {e.Message}");
        }
    }

    /// <summary>Whether a znode of <paramref name="dataLength"/> bytes at <paramref name="path"/> can be created in one request under <paramref name="maxFrameBytes"/>.</summary>
    internal static bool Fits(string path, int dataLength, int maxFrameBytes) =>
        (long)dataLength + Encoding.UTF8.GetByteCount(path) + CopyTrees.RequestHeadroomBytes <= maxFrameBytes;

    /// <summary>major.minor of a version such as 3.8.4 or 3.9.2-1, or null.</summary>
    internal static Version? ParseVersion(string text)
    {
        var parts = text.Split('.', '-');
        return parts.Length >= 2 && int.TryParse(parts[0], out var major) && int.TryParse(parts[1], out var minor) ? new Version(major, minor) : null;
    }
}
