using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;

namespace ZkMitosis.Bench;

/// <summary>
/// Writes one benchmark's section of docs/benchmarks.md between <c>&lt;!-- bench:NAME --&gt;</c> markers,
/// leaving the other sections as they are, and stamps it with the machine and the date.
/// </summary>
internal static class BenchmarkReport
{
    public static string DocumentPath =>
        Path.Combine(FindRepositoryRoot(), "docs", "benchmarks.md");

    /// <summary>
    /// Replaces the section <paramref name="name"/> with <paramref name="markdown"/>; a new section goes right after
    /// the section <paramref name="after"/> when given and present, else at the end.
    /// </summary>
    public static void WriteSection(string name, string title, string markdown, string? after = null)
    {
        var path = DocumentPath;
        var existing = File.Exists(path) ? File.ReadAllText(path) : "# Benchmarks\n\nWritten by `./zkm bench NAME`; each section is replaced by its own run.\n";
        var begin = $"<!-- bench:{name} -->";
        var end = $"<!-- /bench:{name} -->";
        var section = new StringBuilder()
            .Append(begin).Append('\n')
            .Append("## ").Append(title).Append("\n\n")
            .Append(CultureInfo.InvariantCulture, $"Run {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC on {MachineDescription()}.\n\n")
            .Append(markdown.TrimEnd()).Append('\n')
            .Append(end).ToString();
        var start = existing.IndexOf(begin, StringComparison.Ordinal);
        var stop = existing.IndexOf(end, StringComparison.Ordinal);
        var anchor = after is null ? -1 : existing.IndexOf($"<!-- /bench:{after} -->", StringComparison.Ordinal);
        var updated = start >= 0 && stop > start
            ? existing[..start] + section + existing[(stop + end.Length)..]
            : anchor >= 0
                ? existing[..(anchor + $"<!-- /bench:{after} -->".Length)] + "\n\n" + section + existing[(anchor + $"<!-- /bench:{after} -->".Length)..]
                : existing.TrimEnd() + "\n\n" + section + "\n";
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, updated);
        Console.WriteLine($"wrote section '{name}' of {path}");
    }

    /// <summary>CPU model, core count, memory, OS and runtime: enough to compare runs across machines.</summary>
    public static string MachineDescription()
    {
        var cpu = File.Exists("/proc/cpuinfo")
            ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim()
            : null;
        var memoryGiB = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / (1024.0 * 1024 * 1024);
        return string.Create(CultureInfo.InvariantCulture,
            $"{cpu ?? RuntimeInformation.ProcessArchitecture.ToString()}, {Environment.ProcessorCount} cores, {memoryGiB:0} GiB, {RuntimeInformation.OSDescription}, .NET {Environment.Version}");
    }

    private static string FindRepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "ZkMitosis.sln")))
            {
                return directory.FullName;
            }
        }

        return Directory.GetCurrentDirectory();
    }
}
