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

    /// <summary>
    /// The addresses of <see cref="Peers"/>: resolved here once, at the cut, and journaled with every plan host's
    /// addresses (the report lists them); a resumed cut reuses the record, so its rules are the first attempt's.
    /// </summary>
    /// <exception cref="StepFailedException">a source host name resolves to nothing (no rule could name it).</exception>
    private async Task<List<string>> PeerAddressesAsync(StepContext context, CancellationToken cancellationToken)
    {
        var plan = context.Plan;
        var addresses = context.Observed<Dictionary<string, List<string>>>(StepId, HostAddresses.Key);
        if (addresses is null)
        {
            var resolved = await HostAddresses.ResolveAsync(plan.Source.Concat(plan.Destination).Select(s => s.Host), context.Services.ResolveHost, cancellationToken).ConfigureAwait(false);
            var unresolved = Peers(plan).Where(h => resolved[h].Count == 0).Select(h => $"source host '{h}' resolves to no address on the coordinator: no firewall rule can name it").ToList();
            if (unresolved.Count > 0)
            {
                throw new StepFailedException(Id, string.Join("; ", unresolved));
            }

            addresses = new Dictionary<string, List<string>>(resolved, StringComparer.Ordinal);
            await context.ObserveAsync(HostAddresses.Key, resolved, cancellationToken).ConfigureAwait(false);
        }

        return [.. Peers(plan).SelectMany(h => addresses.TryGetValue(h, out var a) ? a : [h]).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];
    }

    public override async Task ExecuteAsync(StepContext context, CancellationToken cancellationToken)
    {
        var plan = context.Plan;
        var peers = await PeerAddressesAsync(context, cancellationToken).ConfigureAwait(false);
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
