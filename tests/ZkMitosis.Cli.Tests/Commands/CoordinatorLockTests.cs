using System.Diagnostics;
using ZkMitosis.Coordinator.Journal;
using ZkMitosis.Testing;

namespace ZkMitosis.Cli.Tests.Commands;

/// <summary>One coordinator per plan state directory, between real <c>zkmitosis</c> processes.</summary>
public sealed class CoordinatorLockTests : IDisposable
{
    private readonly TestDirectory _directory = new("lock-cli");

    [Fact]
    public async Task TwoRunsAtTheSameInstant_OneRefusedAtOnceNamingTheHolder_JournalReadable()
    {
        using var agents = new SilentAgents();
        var planPath = Path.Combine(_directory.Path, "plan.yaml");
        await File.WriteAllTextAsync(planPath, CliPlans.WithAgentsAt(agents.Ports));
        var stateRoot = Path.Combine(_directory.Path, "state");
        var journalPath = Path.Combine(stateRoot, CliPlans.PlanId, "journal.jsonl");
        string[] run = ["migrate", "run", planPath, "--state-dir", stateRoot, "--yes"];

        var started = Stopwatch.StartNew();
        using var first = RealCli.Start(run);
        using var second = RealCli.Start(run);
        var firstExit = first.WaitAsync(TimeSpan.FromSeconds(60), started);
        var secondExit = second.WaitAsync(TimeSpan.FromSeconds(60), started);

        // The refused one exits while the other still runs (its agents never answer within the 5 s call deadline).
        var refusedExit = await Task.WhenAny(firstExit, secondExit);
        var holder = refusedExit == firstExit ? second : first;
        var outcome = await refusedExit;
        Assert.False(holder.HasExited, $"the holder ended before the refused one: {outcome}");
        outcome.AssertOneLineError(1, "another coordinator", $"pid {holder.Pid}", "host ", "since ", StateDirectoryLock.FileName);
        Assert.True(outcome.Elapsed < TimeSpan.FromSeconds(15), $"refused only after {outcome.Elapsed}: {outcome}");

        // The holder is inside its first step: the journal is its alone and reads whole.
        await WaitForAsync(() => File.Exists(journalPath) && FileJournal.ReadAll(journalPath).Any(r => r.Type == JournalRecordTypes.StepStarted), TimeSpan.FromSeconds(30));
        holder.Kill();
        var records = FileJournal.ReadExisting(journalPath);
        Assert.Equal(JournalRecordTypes.RunStarted, records[0].Type);
        Assert.Single(records, r => r.Type == JournalRecordTypes.RunStarted);

        var status = await RealCli.RunAsync(["migrate", "status", CliPlans.PlanId, "--state-dir", stateRoot]);
        Assert.True(status.ExitCode == 0, status.ToString());

        // SIGKILLed, the holder released nothing itself: the kernel did, so the next coordinator is not blocked.
        using var next = StateDirectoryLock.Acquire(Path.GetDirectoryName(journalPath)!);
    }

    public void Dispose() => _directory.Dispose();

    private static async Task WaitForAsync(Func<bool> condition, TimeSpan timeout)
    {
        var deadline = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(deadline.Elapsed < timeout, $"not true within {timeout}");
            await Task.Delay(50);
        }
    }
}
