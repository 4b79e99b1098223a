using System.Diagnostics;

namespace ZkMitosis.Bench;

/// <summary>
/// Starts the <c>zkmitosis</c> command as its own process: the ReadyToRun build the packages ship when
/// <c>./zkm bench</c> published it (ZKM_CLI_EXECUTABLE), else the framework-dependent build through <c>dotnet</c>.
/// </summary>
internal static class CliLocator
{
    public static ProcessStartInfo StartInfo(IEnumerable<string> arguments)
    {
        var executable = Environment.GetEnvironmentVariable("ZKM_CLI_EXECUTABLE");
        var start = new ProcessStartInfo(string.IsNullOrEmpty(executable) ? "dotnet" : executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (string.IsNullOrEmpty(executable))
        {
            start.ArgumentList.Add(FindCliDll());
        }

        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        return start;
    }

    /// <summary>Which form <see cref="StartInfo"/> runs, for the report.</summary>
    public static string Form => string.IsNullOrEmpty(Environment.GetEnvironmentVariable("ZKM_CLI_EXECUTABLE"))
        ? "framework-dependent build (JIT)"
        : "self-contained ReadyToRun, as packaged";

    private static string FindCliDll()
    {
        var configuration = AppContext.BaseDirectory.Contains("/Release/", StringComparison.Ordinal) ? "Release" : "Debug";
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, "cli", "ZkMitosis.Cli", "bin", configuration, "net10.0", "zkmitosis.dll");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException($"zkmitosis.dll ({configuration}) not found: build the solution first (./zkm bench builds it)");
    }
}
