namespace ZkMitosis.Coordinator.Tests.Support;

/// <summary>The repository the tests were built from (the directory holding ZkMitosis.sln above the test assembly).</summary>
internal static class RepositoryRoot
{
    /// <summary>The path of <paramref name="relative"/> (e.g. docs/report.schema.json) in the repository.</summary>
    /// <exception cref="InvalidOperationException">no ZkMitosis.sln above the test assembly.</exception>
    public static string File(string relative)
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (System.IO.File.Exists(Path.Combine(directory.FullName, "ZkMitosis.sln")))
            {
                return Path.Combine(directory.FullName, relative);
            }
        }

        throw new InvalidOperationException("cannot find the repository root (ZkMitosis.sln) above " + AppContext.BaseDirectory);
    }
}
