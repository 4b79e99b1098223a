using ZkMitosis.Coordinator.Plans;
using ZkMitosis.Coordinator.Verification;

namespace ZkMitosis.Coordinator.Engine.Steps;

/// <summary>
/// Step 1 of every strategy: checks the world against the plan and collects every problem before anything is changed
/// (one <see cref="PreflightFailedException"/> lists them all). It reaches every agent itself, so an agent that does
/// not answer is one of its findings, not a reason to stop before it.
/// </summary>
internal abstract class PreflightStepBase : MigrationStep
{
    public const string StepId = "preflight";

    public sealed override string Id => StepId;

    /// <summary>Preflight reaches every agent itself and lists every one that fails, with the rest of its findings.</summary>
    public sealed override bool NeedsEveryAgent => false;

    public sealed override IReadOnlyList<string> ChecksBefore => ["every agent answers over mTLS with the role the plan gives its host"];

    public override IReadOnlyList<string> Actions => ["none (read only)"];

    public sealed override async Task ExecuteAsync(StepContext context, CancellationToken cancellationToken)
    {
        var problems = await CheckAsync(context, cancellationToken).ConfigureAwait(false);
        if (problems.Count > 0)
        {
            throw new PreflightFailedException(problems);
        }

        context.Info("preflight passed");
    }

    /// <summary>Every check of the strategy, each run whatever the others found; the problems found (empty: the world is as the plan needs).</summary>
    protected abstract Task<IReadOnlyList<string>> CheckAsync(StepContext context, CancellationToken cancellationToken);

    /// <summary>
    /// Observes <paramref name="servers"/> (srvr) and adds a problem for each that does not serve and, unless
    /// <paramref name="standaloneAllowed"/> and the ensemble is one standalone server, when it has not exactly one leader.
    /// </summary>
    /// <returns>
    /// The observations, the leader's id (null without one leader) and whether the ensemble is whole: one leader, or
    /// where allowed one standalone server.
    /// </returns>
    internal static async Task<(Dictionary<int, ServerObservation> Observed, int? Leader, bool Whole)> CheckServingAsync(StepContext context, string name, IReadOnlyList<ServerSpec> servers, bool standaloneAllowed, List<string> problems, CancellationToken cancellationToken)
    {
        var observed = await ClusterQueries.ObserveAllAsync(context, servers, cancellationToken).ConfigureAwait(false);
        foreach (var (id, observation) in observed.Where(o => !o.Value.Serving))
        {
            Add(problems, $"{name} server {id}: not serving ({observation.Error})");
        }

        var leader = ClusterQueries.SingleLeader(observed);
        var standalone = standaloneAllowed && servers.Count == 1 && observed.Values.Single().Mode == "standalone";
        if (leader is null && !standalone)
        {
            Add(problems, $"{name}: expected one leader, modes are {string.Join(", ", observed.Select(o => $"{o.Key}={o.Value.Mode ?? "down"}"))}");
        }

        return (observed, leader, leader is not null || standalone);
    }

    /// <summary>Adds <paramref name="problem"/> to <paramref name="problems"/>, which checks running at once share.</summary>
    internal static void Add(List<string> problems, string problem)
    {
        lock (problems)
        {
            problems.Add(problem);
        }
    }
}
