using System.Globalization;
using ZkMitosis.Coordinator.Agents;
using ZkMitosis.Coordinator.Engine.Steps;
using ZkMitosis.Coordinator.Plans;

namespace ZkMitosis.Coordinator.Engine;

/// <summary>
/// Abort's undo of one moved tenant's host (any preset): its connect string back to the source, then its restart, each an
/// effect of the abort step. Whether the host was switched is decided from the record of its switch (journal, else the
/// agent's record), never from its file: a file that names the source again after an interrupted abort says nothing about
/// whether the host restarted since.
/// </summary>
internal static class TenantHostUndo
{
    /// <summary>The abort's effect keys for <paramref name="host"/>: Kafka's as before tenants existed (<c>broker-&lt;id&gt;</c>), others <c>&lt;tenant&gt;-&lt;n&gt;</c>.</summary>
    public static string Subject(TenantSpec tenant, TenantHost host) =>
        tenant.Preset == TenantPreset.Kafka && host.Id is { } id
            ? "broker-" + id.ToString(CultureInfo.InvariantCulture)
            : $"{tenant.Name}-{(tenant.Hosts.ToList().IndexOf(host) + 1).ToString(CultureInfo.InvariantCulture)}";

    /// <summary>The effect that points the host back at the source.</summary>
    public static string RestoreKey(TenantSpec tenant, TenantHost host) => "restore-connect:" + Subject(tenant, host);

    /// <summary>The host's restart after its file names the source again.</summary>
    public static string RestartKey(TenantSpec tenant, TenantHost host) => "restart:" + Subject(tenant, host);

    /// <summary>
    /// Moves <paramref name="host"/> back if the run switched it, restarts it once after its file is restored (the restart is
    /// its own effect, so an abort killed between the write and the restart restarts it when run again), and waits until the
    /// tenant's health gate passes on the source.
    /// </summary>
    public static async Task UndoAsync(StepContext context, TenantSpec tenant, TenantHost host, CancellationToken cancellationToken)
    {
        var plan = context.Plan;
        var agent = context.Agent(host.Agent);
        if (!await SwitchedAsync(context, tenant, host, agent, cancellationToken).ConfigureAwait(false))
        {
            return;
        }

        var target = plan.SourceConnectFor(tenant);
        var current = await agent.GetTenantConnectAsync(tenant.Connect, cancellationToken).ConfigureAwait(false);
        await context.EffectAsync(RestoreKey(tenant, host), agent,
            (operation, ct) => agent.SetTenantConnectAsync(operation, tenant.Connect, target, ct), cancellationToken,
            needed: !ConnectStrings.SameEnsemble(current, target),
            achieved: async ct => ConnectStrings.SameEnsemble(await agent.GetTenantConnectAsync(tenant.Connect, ct).ConfigureAwait(false), target)).ConfigureAwait(false);
        await context.EffectAsync(RestartKey(tenant, host), agent, (operation, ct) => agent.ControlServiceAsync(operation, "restart", ct), cancellationToken).ConfigureAwait(false);
        context.Info($"{host.Label} of {tenant.Name} back on the source", host.Host);
        if (tenant.Preset == TenantPreset.Kafka && host.Id is { } brokerId)
        {
            await context.WaitUntilAsync($"broker {brokerId} registered on the source", plan.Timeouts.BrokerRegistration, async ct =>
            {
                var kafka = await context.Inspector.ReadKafkaStateAsync(plan.Source, tenant.Chroot, ct).ConfigureAwait(false);
                return kafka.Brokers.ContainsKey(brokerId);
            }, cancellationToken).ConfigureAwait(false);
            return;
        }

        await context.WaitUntilAsync($"{tenant.Name} on the source: {tenant.Health.Describe(tenant.Chroot)}", plan.Timeouts.BrokerRegistration,
            async ct => await TenantHealthGate.CountAsync(context, tenant, plan.Source, ct).ConfigureAwait(false) >= tenant.Health.Count, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Whether no host of any moved tenant has a session on a destination node (<c>cons</c>): only then may the
    /// destination go. <paramref name="tenantHosts"/>: <see cref="HostAddresses.TenantClientHostsAsync"/>.
    /// </summary>
    public static async Task<bool> NoneOnDestinationAsync(StepContext context, IReadOnlySet<string> tenantHosts, CancellationToken cancellationToken)
    {
        foreach (var d in context.Plan.Destination)
        {
            var status = await context.Agent(d.Agent).GetZooKeeperStatusAsync(cancellationToken).ConfigureAwait(false);
            var sessions = status.ClientAddresses.Where(a => tenantHosts.Contains(ConnectStrings.HostOfClientAddress(a))).ToList();
            if (sessions.Count > 0)
            {
                context.Info($"destination server {d.Id} still has tenant connections: {string.Join(", ", sessions)}", d.ClientEndpoint);
                return false;
            }
        }

        return true;
    }

    /// <summary>Whether the run's switch of <paramref name="host"/> happened or may have: journaled done, else known to its agent (done, running or interrupted).</summary>
    private static async Task<bool> SwitchedAsync(StepContext context, TenantSpec tenant, TenantHost host, IHostAgent agent, CancellationToken cancellationToken)
    {
        var step = SwitchHostStep.StepIdFor(tenant, host);
        var state = context.State;
        if (state.Effect(step, SwitchHostStep.ConnectKey) is { Outcome: Journal.EffectRecord.Done })
        {
            return true;
        }

        for (var generation = state.Generation(step, SwitchHostStep.ConnectKey); generation >= 0; generation--)
        {
            var operationId = OperationIds.For(context.Plan.PlanId, step, SwitchHostStep.ConnectKey, generation);
            var record = await agent.GetOperationAsync(operationId, cancellationToken).ConfigureAwait(false);
            if (record.Status is AgentOperationStatus.Done or AgentOperationStatus.Running or AgentOperationStatus.Interrupted)
            {
                return true;
            }
        }

        return false;
    }
}
