using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using ZkMitosis.Coordinator.Journal;
using ZkMitosis.Testing;

namespace ZkMitosis.Cli.Tests.Commands;

/// <summary>
/// <c>migrate status | resume | abort</c> on a damaged journal, through the real command: the damage is reported in
/// one line naming the journal and the line, exit 2, and never obeyed (no report printed, no agent called).
/// </summary>
public sealed class JournalDamageCliTests : IDisposable
{
    private readonly TestDirectory _directory = new("journal-cli");

    private string StateRoot => Path.Combine(_directory.Path, "state");

    private string JournalPath => Path.Combine(StateRoot, CliPlans.PlanId, "journal.jsonl");

    public static TheoryData<string, string, string> Damages()
    {
        var data = new TheoryData<string, string, string>();
        foreach (var command in new[] { "status", "resume", "abort" })
        {
            data.Add(command, "flipped byte in a step id", "line 3");
            data.Add(command, "forged completed line", "line 4");
            data.Add(command, "short planSha256", "line 1");
            data.Add(command, "zero-length journal", "holds no complete record");
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Damages))]
    public async Task Command_DamagedJournal_ReportedInOneLineNeverObeyed(string command, string damage, string expected)
    {
        await WriteJournalAsync(damage == "short planSha256" ? "abc" : Sha256(CliPlans.Valid));
        Damage(damage);
        var damaged = File.ReadAllBytes(JournalPath);
        string[] arguments = command == "resume"
            ? ["migrate", command, CliPlans.PlanId, "--state-dir", StateRoot, "--yes"]
            : ["migrate", command, CliPlans.PlanId, "--state-dir", StateRoot];

        var outcome = await RealCli.RunAsync(arguments);

        outcome.AssertOneLineError(2, JournalPath, expected);
        Assert.DoesNotContain("COMPLETED", outcome.Output, StringComparison.Ordinal);

        // Not obeyed: nothing was appended (a resume or abort that went on would journal its first step).
        Assert.Equal(damaged, File.ReadAllBytes(JournalPath));
    }

    [Fact]
    public async Task Status_TornLastLine_DroppedAndTheRestShown()
    {
        await WriteJournalAsync(Sha256(CliPlans.Valid));
        await File.AppendAllTextAsync(JournalPath, "{\"v\":2,\"seq\":4,\"type\":\"step-comp");

        var outcome = await RealCli.RunAsync(["migrate", "status", CliPlans.PlanId, "--state-dir", StateRoot]);

        Assert.True(outcome.ExitCode == 0, outcome.ToString());
        Assert.Contains(CliPlans.PlanId, outcome.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("COMPLETED", outcome.Output, StringComparison.Ordinal);
    }

    public void Dispose() => _directory.Dispose();

    private static string Sha256(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    /// <summary>A journal as a coordinator writes it: run started, preflight done, cut started and completed.</summary>
    private async Task WriteJournalAsync(string planSha256)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(JournalPath)!);
        await File.WriteAllTextAsync(Path.Combine(StateRoot, CliPlans.PlanId, "plan.yaml"), CliPlans.Valid);
        using var journal = FileJournal.Open(JournalPath);
        await journal.AppendAsync(new JournalRecord { Type = JournalRecordTypes.RunStarted, Value = new JsonObject { ["planId"] = CliPlans.PlanId, ["planSha256"] = planSha256 } }, default);
        await journal.AppendAsync(new JournalRecord { Type = JournalRecordTypes.StepStarted, Step = "cut", Attempt = 1 }, default);
        await journal.AppendAsync(new JournalRecord { Type = JournalRecordTypes.StepCompleted, Step = "cut", Attempt = 1 }, default);
    }

    private void Damage(string damage)
    {
        switch (damage)
        {
            case "flipped byte in a step id":
                var lines = File.ReadAllLines(JournalPath);
                Assert.Contains("\"step\":\"cut\"", lines[2], StringComparison.Ordinal);
                lines[2] = lines[2].Replace("\"step\":\"cut\"", "\"step\":\"cus\"", StringComparison.Ordinal);
                File.WriteAllText(JournalPath, string.Join('\n', lines) + "\n");
                break;
            case "forged completed line":
                File.AppendAllText(JournalPath, "{\"v\":2,\"seq\":4,\"type\":\"completed\"}\n");
                break;
            case "zero-length journal":
                File.WriteAllBytes(JournalPath, []);
                break;
        }
    }
}
