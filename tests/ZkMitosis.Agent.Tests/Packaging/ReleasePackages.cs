using System.Diagnostics;
using ZkMitosis.Agent.Tests.Support;
using ZkMitosis.Testing;

namespace ZkMitosis.Agent.Tests.Packaging;

/// <summary>
/// The zkmitosis and zkmitosis-agent .deb packages built once by <c>packaging/build.sh --quick</c>: the layout
/// <c>./zkm package</c> ships (the agent Native AOT, the CLI self-contained), without the .rpm, the script's own checks
/// (the tests run lintian themselves) and xz, into a directory removed afterwards.
/// </summary>
public sealed class ReleasePackages : IAsyncLifetime
{
    /// <summary>Bound on the build: two publishes (Native AOT and self-contained) on a loaded 2-core machine.</summary>
    private static readonly TimeSpan BuildTimeout = TimeSpan.FromMinutes(10);

    private readonly TestDirectory _directory = new("zkat-deb");

    /// <summary>The .deb files: zkmitosis-agent, zkmitosis.</summary>
    public IReadOnlyList<string> Debs { get; private set; } = [];

    /// <summary>How long the build took.</summary>
    public TimeSpan BuildTime { get; private set; }

    public async Task InitializeAsync()
    {
        var root = RepositoryRoot();
        var stopwatch = Stopwatch.StartNew();
        await NetworkNamespaces.RunAsync(BuildTimeout, "bash", Path.Combine(root, "packaging", "build.sh"), "--quick", "--out", _directory.Path);
        BuildTime = stopwatch.Elapsed;
        Debs = [.. Directory.GetFiles(_directory.Path, "*.deb").OrderBy(path => Path.GetFileName(path), StringComparer.Ordinal)];
        Assert.Equal(["zkmitosis-agent", "zkmitosis"], Debs.Select(path => Path.GetFileName(path).Split('_')[0]));
    }

    public Task DisposeAsync()
    {
        _directory.Dispose();
        return Task.CompletedTask;
    }

    internal static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "ZkMitosis.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("the repository root (ZkMitosis.sln) is not above the test's directory");
    }
}
