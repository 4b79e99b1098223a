using ZkMitosis.Testing;

namespace ZkMitosis.Cli.Tests.Commands;

/// <summary>
/// <c>--approve-each-batch</c> and the <c>switch:</c> section through the real command: asking to approve each batch
/// without a terminal to ask at is refused before anything starts (exit 2, one line, no journal), and
/// <c>migrate plan</c> prints the batches with their projected duration.
/// </summary>
public sealed class ApproveEachBatchCliTests : IDisposable
{
    private const string Switch = "switch:\n  batch: rack\n  brokerRestart: 3m\n";

    private readonly TestDirectory _directory = new("cli-batches");

    private string StateRoot => Path.Combine(_directory.Path, "state");

    private string WritePlan(string text)
    {
        var path = Path.Combine(_directory.Path, $"plan-{Guid.NewGuid():N}.yaml");
        File.WriteAllText(path, text);
        return path;
    }

    private static string Batched => CliPlans.Valid.Replace("tls:\n", Switch + "tls:\n", StringComparison.Ordinal)
        .Replace("{ id: 1, agent: 127.0.0.3:9 }", "{ id: 1, agent: 127.0.0.3:9, rack: r1 }", StringComparison.Ordinal);

    [Fact]
    public async Task Run_ApproveEachBatchWithoutATerminal_RefusedBeforeAnythingStarts()
    {
        var outcome = await RealCli.RunAsync(["migrate", "run", WritePlan(Batched), "--state-dir", StateRoot, "--yes", "--approve-each-batch"]);

        outcome.AssertOneLineError(2, "--approve-each-batch", "input is not a terminal");
        Assert.False(File.Exists(Path.Combine(StateRoot, CliPlans.PlanId, "journal.jsonl")));
    }

    [Fact]
    public async Task Resume_ApproveEachBatchWithoutATerminal_Refused()
    {
        var outcome = await RealCli.RunAsync(["migrate", "resume", CliPlans.PlanId, "--state-dir", StateRoot, "--approve-each-batch"]);

        outcome.AssertOneLineError(2, "--approve-each-batch", "input is not a terminal");
    }

    [Fact]
    public async Task Run_ApproveEachBatchWithAPlanSwitchingOneAtATime_Refused()
    {
        var outcome = await RealCli.RunAsync(["migrate", "run", WritePlan(CliPlans.Valid), "--state-dir", StateRoot, "--yes", "--approve-each-batch"]);

        outcome.AssertOneLineError(2, "--approve-each-batch needs a plan with a switch: section");
        Assert.False(File.Exists(Path.Combine(StateRoot, CliPlans.PlanId, "journal.jsonl")));
    }

    [Fact]
    public async Task Plan_SwitchByRack_PrintsTheBatchesAndTheProjection()
    {
        var outcome = await RealCli.RunAsync(["migrate", "plan", WritePlan(Batched)]);

        Assert.True(outcome.ExitCode == 0, outcome.ToString());
        Assert.Contains("switch-brokers", outcome.Output, StringComparison.Ordinal);
        Assert.Contains("batch 1 (rack r1): set zookeeper.connect of brokers 1", outcome.Output, StringComparison.Ordinal);
        Assert.Contains("projected 1 batches × 3m00s = 3m00s", outcome.Output, StringComparison.Ordinal);
    }

    public void Dispose() => _directory.Dispose();
}
