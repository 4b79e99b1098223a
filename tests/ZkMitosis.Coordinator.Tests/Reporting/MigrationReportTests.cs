using ZkMitosis.Coordinator.Tests.Support;

namespace ZkMitosis.Coordinator.Tests.Reporting;

public sealed class MigrationReportTests
{
    [Fact]
    public async Task Build_CompletedRun_TimelineElectionAndChecks()
    {
        using var harness = new EngineHarness(SamplePlans.Valid);
        await harness.RunAsync();

        var report = Coordinator.Reporting.MigrationReport.Build(harness.Plan, Coordinator.Journal.FileJournal.ReadAll(harness.JournalPath));

        Assert.Equal("completed", report.Status);
        Assert.All(report.Timeline, t => Assert.Equal("done", t.Outcome));
        Assert.NotNull(report.Election);
        Assert.NotEmpty(report.Checks);
        var text = report.ToText();
        Assert.Contains("COMPLETED", text, StringComparison.Ordinal);
        Assert.Contains("Destination election", text, StringComparison.Ordinal);
        Assert.Contains("\"planId\"", report.ToJson(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Build_FailedRun_SaysWhereAndWhy()
    {
        using var harness = new EngineHarness(SamplePlans.Valid);
        harness.World.FailOnce.Add("isolate");
        await Assert.ThrowsAnyAsync<Exception>(() => harness.RunAsync());

        var report = Coordinator.Reporting.MigrationReport.Build(harness.Plan, Coordinator.Journal.FileJournal.ReadAll(harness.JournalPath));

        Assert.Equal("failed", report.Status);
        Assert.Equal("failed", report.Timeline.Single(t => t.Step == "cut").Outcome);
        Assert.Contains("injected failure", report.Failure, StringComparison.Ordinal);
    }
}
