using ZkMitosis.Cli.Output;
using ZkMitosis.Coordinator.Engine;
using ZkMitosis.Coordinator.Plans;
using ZkMitosis.Testing;

namespace ZkMitosis.Cli.Tests.Commands;

/// <summary>
/// <c>migrate run</c>'s live table (rendered to text by Spectre, as a terminal would get it) and the line log a
/// non-terminal keeps.
/// </summary>
public sealed class LiveViewTests : IDisposable
{
    private static readonly DateTimeOffset At = new(2026, 12, 1, 3, 0, 0, TimeSpan.Zero);
    private readonly TestDirectory _directory = new("cli-live");

    [Fact]
    public void Table_AfterEvents_ShowsEveryHostWithRoleModeZxidSessionsLastGapAndStep()
    {
        var table = new MigrationHostTable(PlanLoader.Load(CliPlans.Valid));
        table.Apply(new MigrationEvent(At, MigrationEventKind.StepStarted, "join", "Join"));
        table.Apply(new MigrationEvent(At, MigrationEventKind.NodeState, "join", "observer", "127.0.0.1:21812", "observer", 0x100000003, 4));
        table.Apply(new MigrationEvent(At, MigrationEventKind.NodeState, "baseline", "leader", "127.0.0.1:21811", "leader", 0x100000007, 9));
        table.Apply(new MigrationEvent(At.AddSeconds(5), MigrationEventKind.Gap, null, "destination served nothing", "destination", GapMilliseconds: 1234));
        table.Apply(new MigrationEvent(At, MigrationEventKind.Info, "switch-broker-1", "broker 1 restarted", "127.0.0.3"));

        var lines = Render(table);

        Assert.Contains(lines, l => l.Contains("step join", StringComparison.Ordinal));
        AssertRow(lines, "127.0.0.1:21811", "source 1", "leader", "0x100000007", "9", "baseline");
        AssertRow(lines, "127.0.0.1:21812", "destination 2", "observer", "0x100000003", "4", "1234 ms at 03:00:05", "join");
        AssertRow(lines, "127.0.0.3", "broker 1", "switch-broker-1");
        // The source's row shows no gap: the gap was the destination's.
        Assert.DoesNotContain(lines, l => l.Contains("127.0.0.1:21811", StringComparison.Ordinal) && l.Contains("1234 ms", StringComparison.Ordinal));
    }

    [Fact]
    public async Task MigrateRun_NotATerminal_PrintsTheLineLogNotTheTable()
    {
        var plan = Path.Combine(_directory.Path, "plan.yaml");
        await File.WriteAllTextAsync(plan, CliPlans.Valid);

        var outcome = await RealCli.RunAsync(["migrate", "run", plan, "--state-dir", Path.Combine(_directory.Path, "state"), "--yes"], TimeSpan.FromSeconds(120));

        // Nothing answers at port 9: the preflight stops the run (exit 3), after its line log.
        outcome.AssertExit(3);
        Assert.Contains(outcome.Output.Split('\n'), l => l.Contains("▶ preflight", StringComparison.Ordinal));
        Assert.DoesNotContain("last gap", outcome.Output, StringComparison.Ordinal);
    }

    public void Dispose() => _directory.Dispose();

    private static List<string> Render(MigrationHostTable table)
    {
        using var writer = new StringWriter();
        RedirectedOutput.Plain(writer).Write(table.Render());
        return writer.ToString().Split('\n').ToList();
    }

    private static void AssertRow(List<string> lines, string host, params string[] cells)
    {
        var row = lines.SingleOrDefault(l => l.Contains(" " + host + " ", StringComparison.Ordinal));
        Assert.True(row is not null, $"no row for {host}:\n{string.Join('\n', lines)}");
        foreach (var cell in cells)
        {
            Assert.True(row.Contains(cell, StringComparison.Ordinal), $"row of {host} lacks '{cell}': {row}");
        }
    }
}
