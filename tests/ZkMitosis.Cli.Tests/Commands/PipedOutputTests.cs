using ZkMitosis.Testing;

namespace ZkMitosis.Cli.Tests.Commands;

/// <summary>
/// Text printed to a pipe or a file is not wrapped at 80 columns: no phrase is split over two lines and no line ends
/// with the space a wrap leaves behind (Spectre.Console assumes 80 columns for a non-terminal).
/// </summary>
public sealed class PipedOutputTests : IDisposable
{
    private readonly TestDirectory _directory = new("cli-piped");

    [Fact]
    public async Task MigratePlan_Piped_NoPhraseSplitAndNoTrailingSpace()
    {
        var path = Path.Combine(_directory.Path, "plan.yaml");
        await File.WriteAllTextAsync(path, CliPlans.Valid);

        var outcome = await RealCli.RunAsync(["migrate", "plan", path]);

        outcome.AssertExit(0);
        var lines = outcome.Output.Split('\n');
        Assert.Contains(lines, l => l.Contains("strategy observer", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, l => l.TrimEnd().EndsWith("strategy", StringComparison.Ordinal));
        var trailing = lines.Where(l => l.EndsWith(' ') || l.EndsWith('\t')).ToList();
        Assert.True(trailing.Count == 0, "lines ending with white space:\n" + string.Join("\n", trailing.Select(l => $"[{l}]")));

        // The summary line is longer than 80 columns: it proves the text was not cut at 80, not that it was short.
        Assert.Contains(lines, l => l.Length > 80);
    }

    public void Dispose() => _directory.Dispose();
}
