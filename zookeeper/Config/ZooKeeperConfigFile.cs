namespace ZkMitosis.ZooKeeper.Config;

/// <summary>
/// A server's <c>zoo.cfg</c> together with the dynamic config file it names (ZooKeeper 3.5+): where the members are,
/// read the way <c>QuorumPeerConfig.parse</c> reads them. With <c>dynamicConfigFile=</c> the members come from that file
/// only, and a <c>server.N</c>, <c>group.N</c> or <c>weight.N</c> line in <c>zoo.cfg</c> as well is refused, as ZooKeeper
/// refuses to start with it ("parameter: server.1 must be in a separate dynamic config file"). The dynamic file holds
/// member lines only and no <c>version</c> line (ZooKeeper takes the version from the file name's hex suffix).
/// </summary>
public sealed class ZooKeeperConfigFile
{
    /// <summary>The <c>zoo.cfg</c> key that names the dynamic file.</summary>
    public const string DynamicConfigFileKey = "dynamicConfigFile";

    private ZooKeeperConfigFile(string path, PropertiesText main, string? dynamicPath, PropertiesText? dynamic, IReadOnlyList<ZooKeeperServerSpec> members)
    {
        Path = path;
        Main = main;
        DynamicPath = dynamicPath;
        Dynamic = dynamic;
        Members = members;
    }

    /// <summary>zoo.cfg, absolute.</summary>
    public string Path { get; }

    /// <summary>zoo.cfg's properties.</summary>
    public PropertiesText Main { get; }

    /// <summary>The dynamic file, absolute, when zoo.cfg names one.</summary>
    public string? DynamicPath { get; }

    /// <summary>The dynamic file's properties, when zoo.cfg names one.</summary>
    public PropertiesText? Dynamic { get; }

    /// <summary>The members: the dynamic file's <c>server.N</c> lines when zoo.cfg names one, else zoo.cfg's, in file order.</summary>
    public IReadOnlyList<ZooKeeperServerSpec> Members { get; }

    /// <summary>Reads <paramref name="path"/> and the dynamic file it names.</summary>
    /// <exception cref="FileNotFoundException">zoo.cfg does not exist.</exception>
    /// <exception cref="FormatException">the pair is one ZooKeeper would refuse, or the dynamic file is missing; the message names the file and the line.</exception>
    public static ZooKeeperConfigFile Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var full = System.IO.Path.GetFullPath(path);
        if (!File.Exists(full))
        {
            throw new FileNotFoundException($"{path}: no such file", full);
        }

        return Parse(full, File.ReadAllText(full), Environment.CurrentDirectory, p => File.Exists(p) ? File.ReadAllText(p) : null);
    }

    /// <summary>
    /// The pair read from text: <paramref name="mainText"/> is zoo.cfg at <paramref name="configPath"/>, and
    /// <paramref name="readFile"/> gives a file's text or null when it does not exist (so the rules are testable without files).
    /// </summary>
    /// <exception cref="FormatException">as <see cref="Load"/>.</exception>
    public static ZooKeeperConfigFile Parse(string configPath, string mainText, string workingDirectory, Func<string, string?> readFile)
    {
        ArgumentNullException.ThrowIfNull(configPath);
        ArgumentNullException.ThrowIfNull(mainText);
        ArgumentNullException.ThrowIfNull(readFile);
        var main = PropertiesText.Parse(mainText);
        if (main.Get(DynamicConfigFileKey) is not { } named || named.Trim().Length == 0)
        {
            return new ZooKeeperConfigFile(configPath, main, null, null, MembersOf(main, configPath));
        }

        named = named.Trim();
        if (main.Entries.FirstOrDefault(e => IsMemberKey(e.Key)) is { Key: { } staticMember })
        {
            throw new FormatException($"{configPath}: {staticMember} must be in the dynamic config file it names ({named}); ZooKeeper refuses a config with member lines in both");
        }

        string? text = null;
        string? found = null;
        var candidates = DynamicPathCandidates(configPath, named, workingDirectory);
        foreach (var candidate in candidates)
        {
            if (readFile(candidate) is { } content)
            {
                (found, text) = (candidate, content);
                break;
            }
        }

        if (found is null || text is null)
        {
            throw new FormatException($"{configPath}: {DynamicConfigFileKey}={named}: no such file (looked at {string.Join(" and ", candidates)})");
        }

        var dynamic = PropertiesText.Parse(text);
        foreach (var (line, key, _) in dynamic.NumberedEntries)
        {
            if (key == "version")
            {
                throw new FormatException($"{found}:{line}: a dynamic config file must not hold a version line (ZooKeeper takes it from the file name)");
            }

            if (!IsMemberKey(key))
            {
                throw new FormatException($"{found}:{line}: '{key}' does not belong in a dynamic config file (server.N, group.N, weight.N only)");
            }
        }

        return new ZooKeeperConfigFile(configPath, main, found, dynamic, MembersOf(dynamic, found));
    }

    /// <summary>
    /// Where a <c>dynamicConfigFile=</c> value may be, in the order tried: an absolute path as it is; a relative one in
    /// zoo.cfg's directory (where ZooKeeper's reconfig writes <c>zoo.cfg.dynamic.next</c> and its successors), then in
    /// <paramref name="workingDirectory"/>, because ZooKeeper itself opens the value with <c>new FileInputStream(value)</c>
    /// (QuorumPeerConfig.parse), i.e. relative to the server's working directory, which a tool cannot know. After a reconfig
    /// ZooKeeper rewrites the value as an absolute path (<c>editStaticConfig</c>), so only hand-written configs are relative.
    /// </summary>
    public static IReadOnlyList<string> DynamicPathCandidates(string configPath, string value, string workingDirectory)
    {
        ArgumentNullException.ThrowIfNull(configPath);
        ArgumentNullException.ThrowIfNull(value);
        if (System.IO.Path.IsPathFullyQualified(value))
        {
            return [System.IO.Path.GetFullPath(value)];
        }

        var configDirectory = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(configPath)) ?? "/";
        var inConfigDirectory = System.IO.Path.GetFullPath(value, configDirectory);
        var inWorkingDirectory = System.IO.Path.GetFullPath(value, workingDirectory);
        return inConfigDirectory == inWorkingDirectory ? [inConfigDirectory] : [inConfigDirectory, inWorkingDirectory];
    }

    /// <summary>True for the keys ZooKeeper keeps in a dynamic file: <c>server.*</c>, <c>group*</c>, <c>weight*</c> (QuorumPeerConfig.parseProperties).</summary>
    public static bool IsMemberKey(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return key.StartsWith(ZooKeeperServerSpec.KeyPrefix, StringComparison.Ordinal) || key.StartsWith("group", StringComparison.Ordinal) || key.StartsWith("weight", StringComparison.Ordinal);
    }

    private static List<ZooKeeperServerSpec> MembersOf(PropertiesText properties, string file)
    {
        var members = new List<ZooKeeperServerSpec>();
        foreach (var (line, key, value) in properties.NumberedEntries)
        {
            if (ZooKeeperServerSpec.IdOf(key) is { } id)
            {
                try
                {
                    members.Add(ZooKeeperServerSpec.Parse(id, value));
                }
                catch (FormatException e)
                {
                    throw new FormatException($"{file}:{line}: {e.Message}", e);
                }
            }
        }

        return members;
    }
}
