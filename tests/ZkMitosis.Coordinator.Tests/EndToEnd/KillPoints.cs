using Xunit.Abstractions;
using ZkMitosis.Coordinator.Journal;
using ZkMitosis.Testing;

namespace ZkMitosis.Coordinator.Tests.EndToEnd;

/// <summary>A kill point: the first journal record of a process that matches, then a pause (ms) so the kill lands inside the next action.</summary>
internal sealed record KillPoint(string Description, Func<JournalRecord, bool> Match, int DelayMs = 0)
{
    /// <summary>An effect record of <paramref name="step"/> whose key starts with <paramref name="keyPrefix"/>.</summary>
    public static Func<JournalRecord, bool> Effect(string step, string keyPrefix) =>
        r => r.Type == JournalRecordTypes.Effect && r.Step == step && r.Key is not null && r.Key.StartsWith(keyPrefix, StringComparison.Ordinal);

    /// <summary>The start record of <paramref name="step"/>.</summary>
    public static Func<JournalRecord, bool> Started(string step) => r => r.Type == JournalRecordTypes.StepStarted && r.Step == step;

    /// <summary>An observation of <paramref name="step"/> with exactly <paramref name="key"/>.</summary>
    public static Func<JournalRecord, bool> Observed(string step, string key) => r => r.Type == JournalRecordTypes.Observation && r.Step == step && r.Key == key;
}

/// <summary>
/// SIGKILLs a real <c>zkmitosis</c> process at journal points, one after another, and starts it again each time: the
/// resume contract's harness, shared by the lab tests that kill the coordinator (KillAnywhereLabTests, CopyResumeLabTests).
/// </summary>
internal static class SigkillHarness
{
    /// <summary>
    /// Starts <paramref name="first"/>, then <paramref name="again"/> after each kill: SIGKILL at each point in turn
    /// (skipping points already passed), then runs <paramref name="again"/> to its end (exit 0 within 5 minutes).
    /// Each point must be reached within 4 minutes. Returns the points hit; <paramref name="killed"/> gets the time
    /// of each kill.
    /// </summary>
    public static async Task<List<string>> KillAtEachPointAsync(
        string journalPath, IReadOnlyList<KillPoint> points, string[] first, string[] again, ITestOutputHelper output, Action<DateTimeOffset>? killed = null)
    {
        var arguments = first;
        var kills = new List<string>();
        foreach (var point in points)
        {
            // A kill lands a little after its point: the killed process may already be past the next one.
            if (File.Exists(journalPath) && FileJournal.ReadAll(journalPath).Any(point.Match))
            {
                output.WriteLine($"already past: {point.Description}");
                continue;
            }

            var tail = new JournalTail(journalPath);
            using var cli = RealCli.Start(arguments);
            var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(4);
            while (!tail.ReadNew().Any(point.Match))
            {
                Assert.False(cli.HasExited, $"zkmitosis exited before the kill point '{point.Description}':\n{cli.OutputAndErrorSoFar}");
                Assert.True(DateTime.UtcNow < deadline, $"kill point '{point.Description}' not reached in 4 minutes:\n{cli.OutputAndErrorSoFar}");
                await Task.Delay(5);
            }

            if (point.DelayMs > 0)
            {
                await Task.Delay(point.DelayMs);
            }

            cli.Kill();
            killed?.Invoke(DateTimeOffset.UtcNow);
            kills.Add(point.Description);
            output.WriteLine($"killed -9: {point.Description}");
            arguments = again;
        }

        using var last = RealCli.Start(arguments);
        (await last.WaitAsync(TimeSpan.FromMinutes(5))).AssertExit(0);
        return kills;
    }
}
