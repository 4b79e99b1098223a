using ZkMitosis.Coordinator.Agents;
using ZkMitosis.Coordinator.Plans;
using ZkMitosis.ZooKeeper.Config;

namespace ZkMitosis.Coordinator.Engine.Steps;

/// <summary>
/// The source's security settings carried into a destination node's zoo.cfg (issue 13): read from a source server's
/// zoo.cfg (<see cref="ZooKeeperSecurityKeys.SettingsOf"/>: no password leaves the source), sent with each write, and
/// adapted by the destination's agent to its host's own key and trust stores. Since the agent's file differs from the
/// text sent, "is the file as wanted" compares with the agent's own rendering of it.
/// </summary>
internal static class DestinationSecurity
{
    /// <summary>The security settings of the first source server whose agent answers (empty when the source runs none).</summary>
    /// <exception cref="AgentCallException">no source agent answered.</exception>
    public static async Task<IReadOnlyDictionary<string, string>> ReadAsync(Func<string, IHostAgent> agents, MigrationPlan plan, CancellationToken cancellationToken)
    {
        AgentCallException? last = null;
        foreach (var source in plan.Source)
        {
            try
            {
                var config = await agents(source.Agent).ReadZooConfigAsync(cancellationToken).ConfigureAwait(false);
                return ZooKeeperSecurityKeys.SettingsOf(config.Content);
            }
            catch (AgentCallException e)
            {
                last = e;
            }
        }

        throw last ?? new AgentCallException("", "ReadConfig", "the plan names no source server");
    }

    /// <summary>What the write of <paramref name="content"/> leaves on <paramref name="agent"/>'s host, passwords masked: <paramref name="content"/> itself when the source has no security settings.</summary>
    public static async Task<ZooCfgTarget> TargetAsync(IHostAgent agent, string content, IReadOnlyDictionary<string, string> security, CancellationToken cancellationToken) =>
        new(content, security, security.Count == 0 ? content : await agent.RenderZooConfigAsync(content, security, cancellationToken).ConfigureAwait(false));
}

/// <summary>A zoo.cfg write: the text sent, the source's security settings, and the file the agent will leave (passwords masked).</summary>
internal sealed record ZooCfgTarget(string Content, IReadOnlyDictionary<string, string> Security, string Expected)
{
    /// <summary>True when <paramref name="current"/> (zoo.cfg as read) is already what this write leaves.</summary>
    public bool IsOn(string current) => Security.Count == 0 ? current == Content : ZooKeeperSecurityKeys.Mask(current) == Expected;

    public Task WriteAsync(IHostAgent agent, OperationContext operation, string expectedSha256, CancellationToken cancellationToken) =>
        Security.Count == 0
            ? agent.WriteZooConfigAsync(operation, Content, expectedSha256, cancellationToken)
            : agent.WriteZooConfigAsync(operation, Content, expectedSha256, Security, cancellationToken);
}
