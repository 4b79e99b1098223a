using System.Diagnostics;
using ZkMitosis.Coordinator.Engine.Check;
using ZkMitosis.Testing;

namespace ZkMitosis.Coordinator.Tests.Engine;

/// <summary><c>migrate check</c>'s diffs read as GNU <c>diff -u</c> prints them: same hunks, same line numbers.</summary>
public sealed class UnifiedDiffTests : IDisposable
{
    private readonly TestDirectory _directory = new("unified-diff");

    public static TheoryData<string, string> Pairs() => new()
    {
        // Two changes far apart (two hunks), a change at the top and one at the very end.
        { Lines(1, 30), Lines(1, 30).Replace("line 3\n", "line 3 changed\n", StringComparison.Ordinal).Replace("line 25\n", "", StringComparison.Ordinal) + "added at the end\n" },
        // Changes within six lines of each other: one hunk.
        { Lines(1, 20), Lines(1, 20).Replace("line 8\n", "", StringComparison.Ordinal).Replace("line 12\n", "line 12\nline 12b\n", StringComparison.Ordinal) },
        // Everything new.
        { "", "tickTime=2000\nserver.1=a:2888:3888\n" },
        // Lines added after the last one, as the observer join adds its members.
        { "dataDir=/var/lib/zookeeper\nclientPort=2181\n", "dataDir=/var/lib/zookeeper\nclientPort=2181\npeerType=observer\nserver.4=d:2888:3888:observer\n" },
    };

    [Theory]
    [MemberData(nameof(Pairs))]
    public async Task Create_SameHunksAsGnuDiff(string before, string after)
    {
        var a = Path.Combine(_directory.Path, "a");
        var b = Path.Combine(_directory.Path, "b");
        await File.WriteAllTextAsync(a, before);
        await File.WriteAllTextAsync(b, after);

        var ours = Hunks(UnifiedDiff.Create(before, after, a, b));
        var gnu = Hunks(await GnuDiffAsync(a, b));

        Assert.Equal(gnu, ours);
        Assert.NotEmpty(ours);
    }

    [Fact]
    public void Create_EqualTexts_Empty() => Assert.Equal("", UnifiedDiff.Create("a\nb\n", "a\nb\n", "x", "y"));

    public void Dispose() => _directory.Dispose();

    private static string Lines(int first, int last) => string.Concat(Enumerable.Range(first, last - first + 1).Select(i => $"line {i}\n"));

    /// <summary>The diff from its first hunk header on (the file headers carry timestamps).</summary>
    private static List<string> Hunks(string diff) => diff.Split('\n').SkipWhile(l => !l.StartsWith("@@", StringComparison.Ordinal)).Where(l => l.Length > 0).ToList();

    private static async Task<string> GnuDiffAsync(string a, string b)
    {
        var start = new ProcessStartInfo("diff") { RedirectStandardOutput = true, UseShellExecute = false };
        start.ArgumentList.Add("-u");
        start.ArgumentList.Add(a);
        start.ArgumentList.Add(b);
        using var process = Process.Start(start)!;
        var output = await process.StandardOutput.ReadToEndAsync();
        using var cancellation = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await process.WaitForExitAsync(cancellation.Token);
        return output;
    }
}
