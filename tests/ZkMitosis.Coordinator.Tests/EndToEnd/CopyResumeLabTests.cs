using Xunit.Abstractions;
using ZkMitosis.Agent.V1;
using ZkMitosis.Coordinator.Agents;
using ZkMitosis.Coordinator.Engine;
using ZkMitosis.Coordinator.Engine.Steps;
using ZkMitosis.Coordinator.Journal;
using ZkMitosis.Coordinator.Plans;
using ZkMitosis.Coordinator.Verification;

using static ZkMitosis.Coordinator.Tests.EndToEnd.KillPoint;

namespace ZkMitosis.Coordinator.Tests.EndToEnd;

/// <summary>
/// The resume contract of <c>strategy: copy</c> under SIGKILL, in the lab: a real <c>zkmitosis migrate run</c> is
/// killed inside every copy step — preflight, lease, the pre-copy, the mirror's start, between two stops of the block,
/// the drain, the diff, the point of no return, between a switched host's write and its start, the health gates,
/// finish — and each time <c>migrate resume</c> (a new process, the same run) continues. It ends where an
/// uninterrupted run ends (CopyStrategyLabTests): completed, the moved chroot verified equal, every stand-in's
/// acknowledged write on the destination, the destination's own tenant untouched, no lease left.
/// </summary>
[Collection(MigrationLabCollection.Name)]
public sealed class CopyResumeLabTests(ITestOutputHelper output)
{
    private static List<KillPoint> KillPoints(MigrationPlan plan)
    {
        var kafka = plan.MovedTenants.Single(t => t.Preset == TenantPreset.Kafka);
        string Switch(int i) => SwitchHostStep.StepIdFor(plan.Brokers[i].Id);
        return
        [
            new("inside preflight, after jute.maxbuffer was journaled", Observed("preflight", CopyTrees.MaxFrameKey)),
            new("inside lease", Started("lease")),
            new("pre-copy: the destination's state journaled, the copy under way", Observed(PreCopyStep.StepId, CopyTrees.BeforeKey(plan.Chroot)), 150),
            new("mirror: started, catching up", Started(StartMirrorStep.StepId), 200),
            new("block: after the first host's stop", Effect(BlockStep.StepId, BlockStep.StopKey(kafka, kafka.Hosts[0]))),
            new("block: before the source's zxid is read", Observed(BlockStep.StepId, BlockStep.LastStoppedKey)),
            new("drain: the mirror started again, draining", Started(DrainStep.StepId), 200),
            new("verify-copy: inside the diff", Started(VerifyCopyStep.StepId), 100),
            new("inside the point of no return", Started("point-of-no-return")),
            new("switch: between a host's connect-string write and its start", Effect(Switch(0), SwitchHostStep.ConnectKey)),
            new("tenant-health: waiting for the gates", Started(TenantHealthStep.StepId), 100),
            new("inside finish", Started("finish")),
        ];
    }

    [Fact]
    public async Task Resume_CoordinatorKilledInsideEveryCopyStep_ConvergesToTheUninterruptedEndState()
    {
        await using var lab = await MigrationLab.UpAsync();
        var text = lab.Plan("copy");
        var plan = PlanLoader.Load(text);
        var planPath = Path.Combine(lab.StateRoot, "..", "copy-plan.yaml");
        await File.WriteAllTextAsync(planPath, text);
        await using var resident = await CopyStrategyLabTests.StartDestinationWithResidentAsync(lab, plan);
        var inspector = new ZooKeeperClusterInspector();
        var before = await inspector.SnapshotAsync(plan.Destination, CopyStrategyLabTests.Resident, CancellationToken.None);

        var points = KillPoints(plan);
        var kills = await SigkillHarness.KillAtEachPointAsync(Path.Combine(lab.StateRoot, plan.PlanId, "journal.jsonl"), points,
            ["migrate", "run", planPath, "--yes", "--state-dir", lab.StateRoot, "--output", "json"],
            ["migrate", "resume", plan.PlanId, "--yes", "--state-dir", lab.StateRoot, "--output", "json"], output);

        var report = MigrationRunner.Status(plan.PlanId, lab.StateRoot);
        output.WriteLine(report.ToText());
        // A kill lands a little after its point, and a fast run may pass the next one first: two thirds, as KillAnywhereLabTests.
        Assert.True(kills.Count * 3 >= points.Count * 2, $"only {kills.Count} of {points.Count} kill points were hit: {string.Join("; ", kills)}");
        Assert.Equal("completed", report.Status);
        Assert.All(report.Checks, c => Assert.True(c.Passed, $"{c.Name}: {c.Detail}"));
        var copy = Assert.IsType<ZkMitosis.Coordinator.Reporting.CopyBlockReport>(report.Copy);
        Assert.NotNull(copy.ZooKeeperBlockMs);

        // Verified equal, faithfully, after the last resume; one jute.maxbuffer for the whole run.
        var records = FileJournal.ReadAll(Path.Combine(lab.StateRoot, plan.PlanId, "journal.jsonl"));
        var journal = JournalState.From(records);
        var diff = journal.Observation(VerifyCopyStep.StepId, "diff:" + plan.Chroot)!;
        Assert.Equal(0, diff["differences"]!.GetValue<long>());
        Assert.Single(records.Where(r => r.Type == JournalRecordTypes.Observation && r.Key == CopyTrees.MaxFrameKey).Select(r => r.Value!.GetValue<int>()).Distinct());

        // Each host was stopped by one effect and switched by one connect write, whatever the kills.
        foreach (var broker in plan.Brokers)
        {
            Assert.Single(records, r => r.Type == JournalRecordTypes.Effect && r.Step == BlockStep.StepId && r.Key is not null && r.Key.EndsWith(":" + broker.Agent, StringComparison.Ordinal));
            Assert.Single(records, r => r.Type == JournalRecordTypes.Effect && r.Step == SwitchHostStep.StepIdFor(broker.Id) && r.Key == SwitchHostStep.ConnectKey);
        }

        // The tenant: every acknowledged write of the stand-ins on the destination, none expired; the other tenant whole.
        await lab.AssertStandInsWholeAsync(plan.DestinationConnect);
        await lab.AssertOtherTenantWholeAsync();

        // The destination's own tenant: untouched, its session alive.
        var after = await inspector.SnapshotAsync(plan.Destination, CopyStrategyLabTests.Resident, CancellationToken.None);
        Assert.Equal(before.Digest, after.Digest);
        Assert.Equal(resident.SessionId, (await resident.ExistsAsync(CopyStrategyLabTests.Resident + "-live"))?.EphemeralOwner);

        // No lease left on any agent.
        using var channels = new PlanAgentChannels(plan.Tls);
        foreach (var address in plan.AgentAddresses.Distinct(StringComparer.Ordinal))
        {
            var description = await new Agent.V1.Agent.AgentClient(channels.For(address)).DescribeAsync(new DescribeRequest(), deadline: DateTime.UtcNow.AddSeconds(30));
            Assert.True(description.Lease is null || string.IsNullOrEmpty(description.Lease.PlanId), $"{address} still holds a lease of {description.Lease?.PlanId}");
        }
    }
}
