using ZkMitosis.Coordinator.Cleanup;
using ZkMitosis.Coordinator.Journal;
using ZkMitosis.Coordinator.Reporting;
using ZkMitosis.Coordinator.Tests.Support;

namespace ZkMitosis.Coordinator.Tests.Reporting;

/// <summary>
/// After the split the destination holds the other tenants' data copied by the join: the report names those subtrees
/// and says they stay until <c>migrate prune-destination</c>, and says they were pruned once the prune's record exists.
/// </summary>
public sealed class CopiedDataReportTests
{
    private const string StayingTenant = """
        tenants:
          - name: analytics
            preset: clickhouse
            chroot: /clickhouse
            moves: false
            hosts: [ { agent: 10.250.7.41:7443 } ]
            health: { path: /tables/t1/replicas }

        """;

    [Fact]
    public async Task Report_CompletedWithAStayingTenant_NamesItsChrootUntilPruned()
    {
        using var harness = new EngineHarness(SamplePlans.Valid.Replace("tls:", StayingTenant + "tls:", StringComparison.Ordinal));
        await harness.RunAsync();

        var report = MigrationReport.Build(harness.Plan, FileJournal.ReadAll(harness.JournalPath));

        Assert.Equal(["/clickhouse", "/other"], report.CopiedData!.Roots);
        Assert.Null(report.CopiedData.PrunedAt);
        Assert.Contains($"it stays there until pruned (zkmitosis migrate prune-destination {harness.Plan.PlanId}): /clickhouse, /other", report.ToText(), StringComparison.Ordinal);
        ReportSchema.AssertValid(report.ToJson());
    }

    [Fact]
    public async Task Report_AfterThePrune_SaysPrunedAndWhen()
    {
        using var harness = new EngineHarness(SamplePlans.Valid);
        await harness.RunAsync();
        var prunedAt = DateTimeOffset.UtcNow;
        JournalRecord[] cleanup =
        [
            new() { Type = "cleanup-started", Key = CleanupRunner.PruneDestinationAction, At = prunedAt.AddSeconds(-1) },
            new() { Type = CleanupRunner.DoneRecordType, Key = CleanupRunner.PruneDestinationAction, At = prunedAt },
        ];

        var report = MigrationReport.Build(harness.Plan, FileJournal.ReadAll(harness.JournalPath), cleanup: cleanup);

        Assert.Equal(["/other"], report.CopiedData!.Roots);
        Assert.Equal(prunedAt, report.CopiedData.PrunedAt);
        Assert.DoesNotContain("until pruned", report.ToText(), StringComparison.Ordinal);
        Assert.Contains("pruned at ", report.ToText(), StringComparison.Ordinal);
        ReportSchema.AssertValid(report.ToJson());
    }

}
