using ZkMitosis.Testing;

namespace ZkMitosis.Cli.Tests.Commands;

/// <summary><c>migrate check</c>'s exit codes through the real command: 2 for bad input, 1 when problems are found.</summary>
public sealed class MigrateCheckCliTests : IDisposable
{
    private readonly TestDirectory _directory = new("cli-check");

    [Fact]
    public async Task Check_MissingPlanFile_OneLineExitTwo()
    {
        var missing = Path.Combine(_directory.Path, "missing.yaml");

        var outcome = await RealCli.RunAsync(["migrate", "check", missing]);

        outcome.AssertOneLineError(2, missing, "does not exist");
    }

    [Fact]
    public async Task Check_InvalidPlan_OneLineNamingTheFieldExitTwo()
    {
        var plan = Path.Combine(_directory.Path, "plan.yaml");
        await File.WriteAllTextAsync(plan, CliPlans.Valid.Replace("agentCall: 5s", "agentCall: 999999999h", StringComparison.Ordinal));

        var outcome = await RealCli.RunAsync(["migrate", "check", plan]);

        outcome.AssertOneLineError(2, "timeouts.agentCall");
    }

    [Fact]
    public async Task Check_NoAgentAnswers_EveryAgentListedExitOne()
    {
        var plan = Path.Combine(_directory.Path, "plan.yaml");
        await File.WriteAllTextAsync(plan, CliPlans.Valid);

        var outcome = await RealCli.RunAsync(["migrate", "check", plan], TimeSpan.FromSeconds(120));

        outcome.AssertExit(1);
        var problems = outcome.Output.Split('\n').Where(l => l.StartsWith("  - ", StringComparison.Ordinal)).ToList();
        foreach (var agent in new[] { "127.0.0.1:9", "127.0.0.2:9", "127.0.0.3:9" })
        {
            Assert.Contains(problems, p => p.Contains($"agent {agent}: not reachable", StringComparison.Ordinal));
        }

        Assert.DoesNotContain("   at ", outcome.Output + outcome.Error, StringComparison.Ordinal);
    }

    public void Dispose() => _directory.Dispose();
}
