using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using ZkMitosis.Testing;

namespace ZkMitosis.Coordinator.Tests.Model;

/// <summary>What one exhaustive Spin run reported.</summary>
/// <param name="Errors">The "errors: N" line: assertion violations found.</param>
/// <param name="StatesStored">Distinct states stored.</param>
/// <param name="StatesMatched">States reached again (already stored).</param>
/// <param name="Seconds">pan's own elapsed time for the search, in seconds.</param>
/// <param name="Output">pan's whole output, for a failure message.</param>
internal sealed record SpinResult(int Errors, long StatesStored, long StatesMatched, double Seconds, string Output)
{
    public string Summary => $"errors: {Errors}, {StatesStored} states stored, {StatesMatched} matched, {Seconds.ToString("0.00", CultureInfo.InvariantCulture)} s";
}

/// <summary>
/// Runs model/election.pml through Spin the way docs/model.md describes by hand: <c>spin -a</c> generates pan.c in a
/// fresh directory, <c>cc -O2</c> compiles it for safety properties with partial-order reduction (Spin's default) and
/// COLLAPSE state compression (lossless: an exhaustive search, never bitstate), and pan searches the whole state
/// space. A missing spin or cc fails the test with the command that installs it.
/// </summary>
internal static partial class SpinModel
{
    /// <summary>Generous for runs measured at a few seconds on this 2-core machine, shared with other builds.</summary>
    private static readonly TimeSpan StepTimeout = TimeSpan.FromSeconds(100);

    /// <summary>The path of model/<paramref name="model"/> in the repository the tests were built from.</summary>
    public static string ModelPath(string model)
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "ZkMitosis.sln")))
            {
                return Path.Combine(directory.FullName, "model", model);
            }
        }

        throw new InvalidOperationException("cannot find the repository root (ZkMitosis.sln) above " + AppContext.BaseDirectory);
    }

    /// <summary>Verifies election.pml for <paramref name="nodes"/> destination voters with extra <paramref name="defines"/> (e.g. "SEED").</summary>
    public static SpinResult Verify(int nodes, params string[] defines) => VerifyModel("election.pml", [$"M={nodes}", .. defines]);

    /// <summary>Verifies model/<paramref name="model"/> with <paramref name="defines"/> (e.g. "K=2").</summary>
    public static SpinResult VerifyModel(string model, params string[] defines)
    {
        RequireTools();
        using var directory = new TestDirectory("spin");
        var arguments = new List<string> { "-a" };
        arguments.AddRange(defines.Select(d => "-D" + d));
        arguments.Add(ModelPath(model));
        Run(directory.Path, "spin", arguments);
        Run(directory.Path, "cc", ["-O2", "-DSAFETY", "-DCOLLAPSE", "-DMEMLIM=2048", "-w", "-o", "pan", "pan.c"]);
        var output = Run(directory.Path, Path.Combine(directory.Path, "pan"), ["-E", "-m100000"]);

        Assert.Contains("Full statespace search", output, StringComparison.Ordinal);
        var result = new SpinResult(
            (int)Number(ErrorsLine(), output), Number(StoredLine(), output), Number(MatchedLine(), output),
            double.Parse(ElapsedLine().Match(output) is { Success: true } m ? m.Groups[1].Value : "0", CultureInfo.InvariantCulture), output);

        // pan stops at the first error ("Search not completed"); without one, a search cut short by the depth bound
        // or by memory proves nothing.
        foreach (var truncated in new[] { "max search depth too small", "Search not completed", "out of memory" })
        {
            Assert.False(result.Errors == 0 && output.Contains(truncated, StringComparison.Ordinal), $"pan: {truncated}\n{output}");
        }

        return result;
    }

    /// <summary>Runs the model as a simulation (no verifier) and returns what it printed.</summary>
    public static string Simulate(int nodes, params string[] defines)
    {
        RequireTools();
        using var directory = new TestDirectory("spin");
        var arguments = new List<string> { $"-DM={nodes}" };
        arguments.AddRange(defines.Select(d => "-D" + d));
        arguments.Add(ModelPath("election.pml"));
        return Run(directory.Path, "spin", arguments);
    }

    private static void RequireTools()
    {
        foreach (var (tool, package) in new[] { ("spin", "spin"), ("cc", "gcc") })
        {
            var path = (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(':', StringSplitOptions.RemoveEmptyEntries)
                .Select(d => Path.Combine(d, tool)).FirstOrDefault(File.Exists);
            Assert.True(path is not null, $"{tool} is not installed: apt-get install -y {package} (./zkm test installs it)");
        }
    }

    private static string Run(string directory, string fileName, IEnumerable<string> arguments)
    {
        var start = new ProcessStartInfo(fileName) { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(StepTimeout))
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
            Assert.Fail($"{Path.GetFileName(fileName)} did not finish within {StepTimeout.TotalSeconds} s");
        }

        process.WaitForExit();
        var output = stdout.Result + stderr.Result;

        // pan exits 0 with or without errors; spin and cc fail with a status.
        Assert.True(process.ExitCode == 0, $"{Path.GetFileName(fileName)} {string.Join(' ', start.ArgumentList)} exited {process.ExitCode}:\n{output}");
        return output;
    }

    private static long Number(Regex pattern, string output)
    {
        var match = pattern.Match(output);
        Assert.True(match.Success, $"no '{pattern}' in pan's output:\n{output}");
        return long.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
    }

    [GeneratedRegex(@"errors: (\d+)")]
    private static partial Regex ErrorsLine();

    [GeneratedRegex(@"(\d+) states, stored")]
    private static partial Regex StoredLine();

    [GeneratedRegex(@"(\d+) states, matched")]
    private static partial Regex MatchedLine();

    [GeneratedRegex(@"elapsed time ([0-9.]+) seconds")]
    private static partial Regex ElapsedLine();
}
