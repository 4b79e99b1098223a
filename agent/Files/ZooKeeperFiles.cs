using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using ZkMitosis.Agent.DataDir;
using ZkMitosis.ZooKeeper.Config;

namespace ZkMitosis.Agent.Files;

/// <summary>A structured zoo.cfg edit: keys to set (in place, else appended) and keys to remove ("server.*" removes a prefix).</summary>
public sealed record ZooCfgEdit(IReadOnlyDictionary<string, string> Set, IReadOnlyList<string> Remove);

/// <summary>What a zoo.cfg write would leave: zoo.cfg's text and, when the write touches it, the dynamic file's.</summary>
/// <param name="Main">zoo.cfg's new text.</param>
/// <param name="DynamicPath">The dynamic file written too (the configured one), or null.</param>
/// <param name="Dynamic">Its new text, or null.</param>
/// <param name="DynamicChosenByAgent">True when the caller sent members in zoo.cfg and the agent moved them to the node's dynamic file.</param>
public sealed record PlannedZooConfig(string Main, string? DynamicPath, string? Dynamic, bool DynamicChosenByAgent);

/// <summary>
/// Writes of zoo.cfg, its dynamic file and myid, and the data dir reset. Every path comes from
/// <see cref="ZooKeeperPaths"/>; a config that names another dataDir, dataLogDir or dynamicConfigFile, or a relative path
/// climbing out with <c>..</c>, is refused before anything is written. A write whose result is already on disk is
/// "unchanged" whatever the caller's expected sha256 (a retry of a write that happened is done, not a conflict).
/// </summary>
public sealed partial class ZooKeeperFiles
{
    public const string ZooCfgKind = "zoo.cfg";
    public const string DynamicKind = "dynamic";
    public const string MyIdKind = "myid";

    private const string DynamicConfigFileKey = "dynamicConfigFile";

    private readonly ZooKeeperPaths _paths;
    private readonly AtomicFileWriter _writer;
    private readonly ZooCfgSecurity _security;

    public ZooKeeperFiles(ZooKeeperPaths paths, AtomicFileWriter writer, ZooCfgSecurity security)
    {
        _paths = paths;
        _writer = writer;
        _security = security;
    }

    public string ConfigPath => _paths.ConfigPath;

    /// <summary>The configured dynamic config file, or null when this node has none.</summary>
    public string? DynamicPath => _paths.DynamicPath;

    /// <summary>The configured data dir and dataLogDir (never zoo.cfg's, which callers write).</summary>
    public (string DataDir, string DataLogDir) DataDirectories => (_paths.DataDir, _paths.DataLogDir);

    /// <summary>zoo.cfg, its dynamic file (when zoo.cfg uses the configured one) and myid, as on disk.</summary>
    public IReadOnlyList<ManagedFileInfo> Describe()
    {
        var files = new List<ManagedFileInfo> { ManagedFileInfo.Of(ZooCfgKind, _paths.ConfigPath) };
        if (File.Exists(_paths.ConfigPath) && LoadConfig().DynamicPath is { } dynamic)
        {
            files.Add(ManagedFileInfo.Of(DynamicKind, dynamic));
        }

        files.Add(ManagedFileInfo.Of(MyIdKind, _paths.MyIdPath));
        return files;
    }

    /// <summary>
    /// Writes zoo.cfg (whole <paramref name="content"/>, or <paramref name="edit"/> of the current file) and the dynamic
    /// file: <paramref name="dynamicContent"/> when given, else, when this node keeps its members in its dynamic file and
    /// the new zoo.cfg carries server lines, those lines go there (zoo.cfg keeps naming the file). Every precondition and
    /// the new content are checked before anything is written; the dynamic file is written first, so a crash between the
    /// two leaves the new members in effect.
    /// </summary>
    /// <exception cref="InvalidRequestException">a value or path the agent does not accept; the field names the key.</exception>
    /// <exception cref="PreconditionFailedException">a file changed since the caller read it; "SECURITY": see <see cref="ZooCfgSecurity.Apply"/>.</exception>
    public IReadOnlyList<FileWriteResult> WriteConfig(
        string? expectedSha256, string? content, ZooCfgEdit? edit, string? dynamicContent, string? expectedDynamicSha256, IReadOnlyDictionary<string, string>? sourceSecurity = null)
    {
        var planned = RenderConfig(content, edit, dynamicContent, sourceSecurity);
        if (planned.DynamicPath is not null)
        {
            // The caller read zoo.cfg, not the dynamic file the agent chose: zoo.cfg's sha256 is the precondition.
            var expectedDynamic = planned.DynamicChosenByAgent && string.IsNullOrEmpty(expectedDynamicSha256) ? AtomicFileWriter.AnySha256 : expectedDynamicSha256;
            CheckExpectedUnlessSame(planned.DynamicPath, planned.Dynamic!, expectedDynamic);
        }

        CheckExpectedUnlessSame(_paths.ConfigPath, planned.Main, expectedSha256);
        var results = new List<FileWriteResult>();
        if (planned.DynamicPath is not null)
        {
            results.Add(_writer.Write(planned.DynamicPath, planned.Dynamic!, AtomicFileWriter.AnySha256));
        }

        results.Insert(0, _writer.Write(_paths.ConfigPath, planned.Main, AtomicFileWriter.AnySha256));
        return results;
    }

    /// <summary>
    /// What <see cref="WriteConfig"/> would write, without writing or checking any precondition: zoo.cfg's new text and,
    /// when one is written, the dynamic file's path and text. The one place the write's content is decided, so a dry
    /// run (<c>RenderPlannedFiles</c>) shows exactly what the write would leave. <paramref name="sourceSecurity"/>: the
    /// source ensemble's security settings, adapted to this host's own files (<see cref="ZooCfgSecurity"/>).
    /// </summary>
    /// <exception cref="InvalidRequestException">a value or path the agent does not accept; the field names the key.</exception>
    /// <exception cref="PreconditionFailedException">an edit of a zoo.cfg that does not exist; "SECURITY": a source setting this host's files cannot serve.</exception>
    public PlannedZooConfig RenderConfig(string? content, ZooCfgEdit? edit, string? dynamicContent, IReadOnlyDictionary<string, string>? sourceSecurity = null)
    {
        var current = File.Exists(_paths.ConfigPath) ? File.ReadAllText(_paths.ConfigPath) : null;
        string field;
        PropertiesText updated;
        if (content is not null)
        {
            field = "content";
            CallerText.RequireTextFile(field, content);
            updated = PropertiesText.Parse(content);
        }
        else if (edit is not null)
        {
            field = "edit";
            ValidateEdit(edit);
            if (current is null)
            {
                throw new PreconditionFailedException("CONFIG", _paths.ConfigPath, $"{_paths.ConfigPath} does not exist; an edit needs a file to edit (send the whole content instead).");
            }

            updated = PropertiesText.Parse(current);
            foreach (var key in edit.Remove)
            {
                updated.Remove(key);
            }

            foreach (var (key, value) in edit.Set)
            {
                updated.Set(key, value);
            }
        }
        else
        {
            throw new InvalidRequestException("change", "either content or edit is required");
        }

        _security.Apply(updated, current is null ? null : PropertiesText.Parse(current), sourceSecurity ?? new Dictionary<string, string>(), field);
        ValidateConfig(field, updated);
        var currentNamed = current is null ? null : PropertiesText.Parse(current).Get(DynamicConfigFileKey);
        var usesDynamic = currentNamed is { Length: > 0 } && _paths.IsDynamicPath(currentNamed);
        var chosenByAgent = false;
        if (dynamicContent is null && usesDynamic && updated.Get(DynamicConfigFileKey) is null && updated.Entries.Any(e => IsMemberKey(e.Key)))
        {
            // This node keeps its members in its dynamic file (ZooKeeper 3.5+): the new members go there, zoo.cfg keeps naming it.
            (updated, dynamicContent) = SplitMembers(updated, currentNamed!);
            chosenByAgent = true;
        }

        string? dynamicPath = null;
        if (dynamicContent is not null)
        {
            if (updated.Get(DynamicConfigFileKey) is not { Length: > 0 })
            {
                throw new InvalidRequestException("dynamic_content", "the resulting zoo.cfg names no dynamicConfigFile to write it to");
            }

            dynamicPath = _paths.DynamicPath!;
            CallerText.RequireTextFile("dynamic_content", dynamicContent);
            ValidateDynamic(PropertiesText.Parse(dynamicContent));
        }

        return new PlannedZooConfig(updated.ToString(), dynamicPath, dynamicContent, chosenByAgent);
    }

    /// <summary>Writes myid ("N\n") into the configured data dir.</summary>
    public FileWriteResult WriteMyId(long serverId, string? expectedSha256) => _writer.Write(_paths.MyIdPath, RenderMyId(serverId), expectedSha256);

    /// <summary>The configured myid file's path.</summary>
    public string MyIdPath => _paths.MyIdPath;

    /// <summary>myid's content for <paramref name="serverId"/>: "N\n".</summary>
    /// <exception cref="InvalidRequestException">outside ZooKeeper's server id range.</exception>
    public static string RenderMyId(long serverId)
    {
        if (serverId is < 1 or > 255)
        {
            throw new InvalidRequestException("server_id", $"{serverId} is outside 1-255 (ZooKeeper's server id range)");
        }

        return serverId.ToString(CultureInfo.InvariantCulture) + "\n";
    }

    /// <summary>Removes the snapshots, txn logs and epoch files (the version-2 directories) of the configured data dir and dataLogDir; myid stays unless asked.</summary>
    public IReadOnlyList<string> ResetDataDir(bool removeMyId)
    {
        var removed = new List<string>();
        foreach (var directory in new[] { _paths.DataDir, _paths.DataLogDir }.Distinct(StringComparer.Ordinal))
        {
            var version = Path.Combine(directory, DataDirInspector.VersionDirectory);
            if (Directory.Exists(version))
            {
                removed.AddRange(Directory.EnumerateFiles(version, "*", SearchOption.AllDirectories));
                Directory.Delete(version, recursive: true);
            }
        }

        if (removeMyId && File.Exists(_paths.MyIdPath))
        {
            File.Delete(_paths.MyIdPath);
            removed.Add(_paths.MyIdPath);
        }

        return removed;
    }

    public ZooCfg LoadConfig()
    {
        try
        {
            return ZooCfg.Load(_paths);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new PreconditionFailedException("CONFIG", _paths.ConfigPath, $"{_paths.ConfigPath} does not exist (ZooKeeper.ConfigPath).");
        }
    }

    private static bool IsMemberKey(string key) =>
        key.StartsWith(ZooKeeperServerSpec.KeyPrefix, StringComparison.Ordinal) || key.StartsWith("group.", StringComparison.Ordinal) || key.StartsWith("weight.", StringComparison.Ordinal);

    /// <summary>zoo.cfg without its member lines (naming <paramref name="dynamicConfigFile"/>) and the dynamic file's text.</summary>
    private static (PropertiesText Main, string Dynamic) SplitMembers(PropertiesText updated, string dynamicConfigFile)
    {
        var newline = PropertiesText.FirstNewline(updated.ToString());
        var dynamic = new StringBuilder();
        foreach (var (key, value) in updated.Entries.Where(e => IsMemberKey(e.Key)))
        {
            dynamic.Append(key).Append('=').Append(value).Append(newline);
        }

        var main = PropertiesText.Parse(updated.ToString());
        foreach (var prefix in new[] { "server.*", "group.*", "weight.*" })
        {
            main.Remove(prefix);
        }

        main.Set(DynamicConfigFileKey, dynamicConfigFile);
        return (main, dynamic.ToString());
    }

    private void CheckExpectedUnlessSame(string path, string content, string? expectedSha256)
    {
        var current = FileHashes.Sha256OrNull(path);
        if (current != FileHashes.Sha256(Encoding.UTF8.GetBytes(content)))
        {
            AtomicFileWriter.CheckExpected(path, current, expectedSha256);
        }
    }

    private static void ValidateEdit(ZooCfgEdit edit)
    {
        foreach (var key in edit.Remove)
        {
            CallerText.RequireNoControl("edit.remove", key);
            if (!RemoveKey().IsMatch(key))
            {
                throw new InvalidRequestException("edit.remove", $"'{key}' is not a zoo.cfg key (a trailing '*' removes a prefix)");
            }
        }

        foreach (var (key, value) in edit.Set)
        {
            CallerText.RequireNoControl("edit.set", key);
            if (!SetKey().IsMatch(key))
            {
                throw new InvalidRequestException("edit.set", $"'{key}' is not a zoo.cfg key");
            }

            CallerText.RequireNoControl($"edit.set.{key}", value);
            if (value.Contains('\\', StringComparison.Ordinal))
            {
                throw new InvalidRequestException($"edit.set.{key}", "a backslash would be read as an escape by Java's Properties; send the whole content instead");
            }
        }
    }

    /// <summary>Checks every entry of the resulting zoo.cfg: printable keys and values, member lines, and the paths.</summary>
    private void ValidateConfig(string field, PropertiesText properties)
    {
        foreach (var (line, key, value) in properties.NumberedEntries)
        {
            CallerText.RequireNoControl($"{field}.{CallerText.Printable(key)}", key);
            if (ZooKeeperSecurityKeys.IsSecret(key))
            {
                // A password is not a path, and its value never reaches a message.
                if (CallerText.HasControlCharacter(value))
                {
                    throw new InvalidRequestException($"{field}.{key}", $"line {line} holds a control character; values are one line of printable text");
                }

                continue;
            }

            CallerText.RequireNoControl($"{field}.{key}", value);
            if (value.Split('/').Contains(".."))
            {
                throw new InvalidRequestException($"{field}.{key}", $"'{value}' (line {line}) climbs out of its directory with '..'");
            }

            switch (key)
            {
                case "dataDir" when !ZooKeeperPaths.SamePath(value, _paths.DataDir):
                    throw new InvalidRequestException($"{field}.dataDir", $"'{value}' is not this agent's data dir ({_paths.DataDir}, ZooKeeper.DataDir)");
                case "dataLogDir" when !ZooKeeperPaths.SamePath(value, _paths.DataLogDir):
                    throw new InvalidRequestException($"{field}.dataLogDir", $"'{value}' is not this agent's dataLogDir ({_paths.DataLogDir}, ZooKeeper.DataLogDir)");
                case DynamicConfigFileKey when !_paths.IsDynamicPath(value):
                    throw new InvalidRequestException($"{field}.{DynamicConfigFileKey}", _paths.DynamicPath is null
                        ? $"'{value}': this agent has no dynamic config file (ZooKeeper.DynamicConfigFile)"
                        : $"'{value}' is not this agent's dynamic config file ({_paths.DynamicPath}, in the config dir)");
            }

            if (ZooKeeperServerSpec.IdOf(key) is { } id)
            {
                ParseMember(field, id, value);
            }
            else if (key.StartsWith(ZooKeeperServerSpec.KeyPrefix, StringComparison.Ordinal))
            {
                throw new InvalidRequestException($"{field}.{key}", "is not server.N");
            }
        }

        if (string.IsNullOrWhiteSpace(properties.Get("dataDir")))
        {
            throw new InvalidRequestException($"{field}.dataDir", $"zoo.cfg must set dataDir (to {_paths.DataDir})");
        }
    }

    /// <summary>A dynamic file holds member lines only (server.N, group.N, weight.N), as ZooKeeper's reconfig writes it.</summary>
    private static void ValidateDynamic(PropertiesText properties)
    {
        foreach (var (_, key, value) in properties.NumberedEntries)
        {
            CallerText.RequireNoControl("dynamic_content", key);
            CallerText.RequireNoControl($"dynamic_content.{key}", value);
            if (!IsMemberKey(key))
            {
                throw new InvalidRequestException($"dynamic_content.{key}", "a dynamic config file holds only server.N, group.N and weight.N lines");
            }

            if (ZooKeeperServerSpec.IdOf(key) is { } id)
            {
                ParseMember("dynamic_content", id, value);
            }
        }
    }

    private static void ParseMember(string field, long id, string value)
    {
        try
        {
            ZooKeeperServerSpec.Parse(id, value);
        }
        catch (FormatException e)
        {
            throw new InvalidRequestException($"{field}.server.{id}", e.Message);
        }
    }

    [GeneratedRegex(@"\A[A-Za-z0-9][A-Za-z0-9._-]{0,127}\z")]
    private static partial Regex SetKey();

    [GeneratedRegex(@"\A[A-Za-z0-9][A-Za-z0-9._-]{0,127}\*?\z")]
    private static partial Regex RemoveKey();
}
