using ZkMitosis.Coordinator.Agents;

namespace ZkMitosis.Coordinator.Engine;

/// <summary>
/// The check before every step: each agent of the plan answers (with the agent client's bounded retries, so an
/// agent restarting or a short network cut is waited out). One that does not stops the step before it acts.
/// </summary>
internal static class AgentReachability
{
    public static async Task EnsureAsync(MigrationServices services, string stepId, CancellationToken cancellationToken)
    {
        var addresses = services.Plan.AgentAddresses.Distinct(StringComparer.Ordinal).ToList();
        var failures = await Task.WhenAll(addresses.Select(async address =>
        {
            try
            {
                await services.Agents.Get(address).PingAsync(cancellationToken).ConfigureAwait(false);
                return null;
            }
            catch (AgentCallException e)
            {
                return e.Message;
            }
        })).ConfigureAwait(false);
        var unreachable = failures.OfType<string>().ToList();
        if (unreachable.Count > 0)
        {
            throw new StepFailedException(stepId,
                $"{unreachable.Count} agent(s) did not answer before the step, so it changed nothing; fix them and resume: {string.Join("; ", unreachable)}");
        }
    }
}
