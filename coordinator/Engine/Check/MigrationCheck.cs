using ZkMitosis.Coordinator.Agents;
using ZkMitosis.Coordinator.Engine.Steps;
using ZkMitosis.Coordinator.Journal;
using ZkMitosis.Coordinator.Plans;
using ZkMitosis.Coordinator.Verification;

namespace ZkMitosis.Coordinator.Engine.Check;

/// <summary>
/// <c>zkmitosis migrate check</c>: a live dry run of a plan. Reaches every agent over mTLS, runs the preflight step's
/// own checks (<see cref="PreflightStep.FindProblemsAsync"/>) and <see cref="OperatorChecks"/>, and shows per host
/// the files and firewall rules the run will write (<see cref="PlannedChanges"/>) and the order of the restarts.
/// Changes nothing: only read-only agent calls are made, no lease is taken, no journal or state directory is
/// written (the preflight runs against a journal that refuses every record).
/// </summary>
public static class MigrationCheck
{
    /// <summary>Checks <paramref name="plan"/> against the live hosts and returns every finding.</summary>
    public static async Task<CheckReport> RunAsync(MigrationPlan plan, CancellationToken cancellationToken, IClusterInspector? inspector = null, TimeProvider? time = null)
    {
        time ??= TimeProvider.System;
        using var channels = new PlanAgentChannels(plan.Tls);
        // One attempt per call: a dry run reports an unreachable agent at once instead of retrying it.
        var factory = new GrpcHostAgentFactory(plan, channels.For, new AgentRetryPolicy { Attempts = 1 });
        GrpcHostAgent Agent(string address) => (GrpcHostAgent)factory.Get(address);

        var services = new MigrationServices
        {
            Plan = plan,
            Journal = new RefusingJournal(),
            Agents = factory,
            Inspector = inspector ?? new ZooKeeperClusterInspector { Plan = plan },
            StateDirectory = Path.Combine(Path.GetTempPath(), "zkmitosis-check-writes-nothing"),
            Time = time,
        };
        var context = new StepContext(services, "preflight", 0);
        var problems = new List<string>(await PreflightStep.FindProblemsAsync(context, cancellationToken).ConfigureAwait(false));
        var notes = new List<string>();

        var serversTask = Task.WhenAll(plan.Source.Select(s => ServerFacts.ReadAsync(s, true, Agent(s.Agent), time, cancellationToken))
            .Concat(plan.Destination.Select(d => ServerFacts.ReadAsync(d, false, Agent(d.Agent), time, cancellationToken))));
        var brokersTask = Task.WhenAll(plan.Brokers.Select(async b => (b, await ServerFacts.TryAsync(() => Agent(b.Agent).DescribeTimedAsync(time, cancellationToken)).ConfigureAwait(false))));
        var hostsTask = PlannedChanges.ForHostsAsync(plan, Agent, problems, cancellationToken);
        var servers = await serversTask.ConfigureAwait(false);
        var brokers = await brokersTask.ConfigureAwait(false);
        var hosts = await hostsTask.ConfigureAwait(false);
        OperatorChecks.Run(plan, servers, brokers, problems, notes);
        await ChrootFitAsync(plan, servers, inspector, problems, notes, cancellationToken).ConfigureAwait(false);

        var leader = servers.Where(s => s.Source && s.Status?.Mode == ZkMitosis.Agent.V1.ZooKeeperMode.Leader).Select(s => (int?)s.Server.Id).ToList();
        var restarts = PlannedChanges.RestartOrder(plan, leader.Count == 1 ? leader[0] : null);
        return new CheckReport(plan.PlanId, plan.Strategy.ToString().ToLowerInvariant(), problems, notes, hosts, restarts);
    }

    /// <summary>
    /// Walks the chroot on the source (the run does it at baseline) and checks its largest znode and widest node
    /// against every destination server's <c>jute.maxbuffer</c> and the run's client (<see cref="JuteMaxBufferCheck.CheckTree"/>).
    /// The walk's own client takes replies as large as the source allows, so a chroot too large for the run is measured, not failed on.
    /// </summary>
    private static async Task ChrootFitAsync(MigrationPlan plan, IReadOnlyList<ServerFacts> servers, IClusterInspector? inspector, List<string> problems, List<string> notes, CancellationToken cancellationToken)
    {
        var juteMaxBuffers = servers.Where(s => s.Description is not null)
            .Select(s => new ServerJuteMaxBuffer(s.Server, s.Source, s.Description!.Description.JuteMaxBuffer, s.Description.Description.JuteMaxBufferSource)).ToList();
        var sourceMax = juteMaxBuffers.Where(s => s.Source).Select(s => s.Bytes).Append(ZooKeeper.ZooKeeperClientOptions.DefaultMaxFrameBytes).Max();
        var walker = inspector ?? new ZooKeeperClusterInspector
        {
            ClientOptions = new() { SessionTimeout = TimeSpan.FromSeconds(10), ConnectTimeout = TimeSpan.FromSeconds(3), MaxReplyFrameBytes = (int)Math.Min(int.MaxValue, (2 * sourceMax) + 4096) },
        };
        try
        {
            var snapshot = await walker.SnapshotAsync(plan.Source, plan.Chroot, cancellationToken).ConfigureAwait(false);
            JuteMaxBufferCheck.CheckTree(ChrootLimits.From(snapshot), juteMaxBuffers, ZooKeeper.ZooKeeperClientOptions.DefaultMaxFrameBytes, problems);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            notes.Add($"the chroot's sizes are not checked against jute.maxbuffer: reading {plan.Chroot} on the source failed: {e.Message}");
        }
    }

    /// <summary>The journal of a dry run: it holds nothing and refuses every record, so a check that tried to journal (an effect) fails loudly.</summary>
    private sealed class RefusingJournal : IMigrationJournal
    {
        public IReadOnlyList<JournalRecord> Records => [];

        public Task<JournalRecord> AppendAsync(JournalRecord record, CancellationToken cancellationToken) =>
            throw new InvalidOperationException($"migrate check changes nothing, but a '{record.Type}' record of step {record.Step} was to be journaled");
    }
}
