namespace ZkMitosis.Coordinator.Engine.Steps;

/// <summary>Step 5: the destination rejects TCP from and to the source, proved by probes.</summary>
internal sealed class CutStep : MigrationStep
{
    public const string StepId = "cut";

    public override string Id => StepId;

    public override string Title => "Cut: every destination node rejects TCP from and to the source (REJECT, own chain), proved by probes";

    public override IReadOnlyList<string> ChecksBefore => ["point of no return confirmed"];

    public override IReadOnlyList<string> Actions => ["isolate each destination node from every source host (INPUT -s and OUTPUT -d, tcp-reset)"];

    public override IReadOnlyList<string> ChecksAfter => ["from each destination node, every source client, quorum and election port is refused"];

    /// <summary>Whom each destination node rejects: every source host (all TCP ports, both directions).</summary>
    internal static IReadOnlyList<string> Peers(Plans.MigrationPlan plan) => plan.Source.Select(s => s.Host).Distinct().ToList();

    public override async Task ExecuteAsync(StepContext context, CancellationToken cancellationToken)
    {
        var plan = context.Plan;
        var peers = Peers(plan);
        var started = context.Time.GetTimestamp();
        // Interrupted by an agent restart: the rules are re-applied under the next generation (Isolate is idempotent,
        // and the probes below are the post-condition that counts).
        await Task.WhenAll(plan.Destination.Select(d =>
            context.EffectAsync(RollingRestart.Key("isolate", d), context.Agent(d.Agent),
                (operation, ct) => context.Agent(d.Agent).IsolateAsync(operation, peers, [], ct), cancellationToken))).ConfigureAwait(false);

        var isolated = context.Time.GetElapsedTime(started);
        var targets = plan.Source.SelectMany(s => s.Ports.Select(s.Endpoint)).ToList();
        var open = new List<string>();
        await Task.WhenAll(plan.Destination.Select(async d =>
        {
            var outcomes = await context.Agent(d.Agent).ProbeAsync(targets, TimeSpan.FromSeconds(2), cancellationToken).ConfigureAwait(false);
            lock (open)
            {
                open.AddRange(outcomes.Where(o => o.Result == "open").Select(o => $"{d.Host}→{o.Target}"));
            }
        })).ConfigureAwait(false);
        if (open.Count > 0)
        {
            throw new StepFailedException(Id, "the cut does not hold, still open: " + string.Join(", ", open));
        }

        context.Info($"cut proved: every source port refused from every destination node (rules in {isolated.TotalMilliseconds:0} ms, probes in {(context.Time.GetElapsedTime(started) - isolated).TotalMilliseconds:0} ms)");
    }
}
