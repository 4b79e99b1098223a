namespace ZkMitosis.Bench;

/// <summary>Finds the built <c>zkmitosis</c> command, which benchmarks run as its own process.</summary>
internal static class CliLocator
{
    public static string FindCliDll()
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
