namespace ZkMitosis.Lab.Servers;

/// <summary>Where Debian's <c>zookeeper</c> package puts the server, and a clear error when it is missing.</summary>
public static class ZooKeeperInstallation
{
    public const string ZooKeeperJar = "/usr/share/java/zookeeper.jar";

    /// <summary>Without an slf4j binding ZooKeeper logs nothing, which hides every failure.</summary>
    public const string Slf4jSimpleJar = "/usr/share/java/slf4j-simple.jar";

    public const string JavaExecutable = "java";

    public const string InstallCommand = "apt-get install -y zookeeper";

    /// <summary>Throws with the command that installs ZooKeeper when the package is not there.</summary>
    public static void EnsureInstalled()
    {
        foreach (var jar in new[] { ZooKeeperJar, Slf4jSimpleJar })
        {
            if (!File.Exists(jar))
            {
                throw new InvalidOperationException($"ZooKeeper is not installed: {jar} is missing. Install it with: {InstallCommand} (or run ./zkm test, which installs it).");
            }
        }
    }

    /// <summary>
    /// Netty jars zookeeper.jar's manifest does not list but <c>NettyServerCnxnFactory</c> (the TLS client port)
    /// needs; Debian ships them with the package's dependencies.
    /// </summary>
    private static readonly string[] NettyJars = ["/usr/share/java/netty-codec.jar", "/usr/share/java/netty-resolver.jar", "/usr/share/java/netty-transport-native-unix-common.jar"];

    /// <summary>The class path for a server whose configuration directory is <paramref name="confDirectory"/>.</summary>
    public static string ClassPath(string confDirectory) =>
        string.Join(':', [confDirectory, ZooKeeperJar, Slf4jSimpleJar, .. NettyJars.Where(File.Exists)]);
}
