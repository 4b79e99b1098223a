using System.Globalization;
using Microsoft.Extensions.Options;
using ZkMitosis.Agent.Configuration;
using ZkMitosis.Agent.DataDir;

namespace ZkMitosis.Agent.Files;

/// <summary>A structured zoo.cfg edit: keys to set (in place, else appended) and keys to remove ("server.*" removes a prefix).</summary>
public sealed record ZooCfgEdit(IReadOnlyDictionary<string, string> Set, IReadOnlyList<string> Remove);

/// <summary>Writes of zoo.cfg, its dynamic file and myid, and the data dir reset: checked first, then atomic.</summary>
public sealed class ZooKeeperFiles
{
    public const string ZooCfgKind = "zoo.cfg";
    public const string DynamicKind = "dynamic";
    public const string MyIdKind = "myid";

    private readonly string _configPath;
    private readonly AtomicFileWriter _writer;

    public ZooKeeperFiles(IOptions<AgentOptions> options, AtomicFileWriter writer)
    {
        _configPath = options.Value.ZooKeeper.ConfigPath;
        _writer = writer;
    }

    public string ConfigPath => _configPath;

    /// <summary>zoo.cfg, its dynamic file (when named) and myid (when dataDir is known), as on disk.</summary>
    public IReadOnlyList<ManagedFileInfo> Describe()
    {
        var files = new List<ManagedFileInfo> { ManagedFileInfo.Of(ZooCfgKind, _configPath) };
        if (!File.Exists(_configPath))
        {
            return files;
        }

        var config = ZooCfg.Load(_configPath);
        if (config.DynamicPath is not null)
        {
            files.Add(ManagedFileInfo.Of(DynamicKind, config.DynamicPath));
        }

        if (config.MyIdPath is not null)
        {
            files.Add(ManagedFileInfo.Of(MyIdKind, config.MyIdPath));
        }

        return files;
    }

    /// <summary>
    /// Writes zoo.cfg (whole <paramref name="content"/>, or <paramref name="edit"/> of the current file) and optionally the
    /// dynamic file. Every precondition and the new content are checked before anything is written.
    /// </summary>
    public IReadOnlyList<FileWriteResult> WriteConfig(string? expectedSha256, string? content, ZooCfgEdit? edit, string? dynamicContent, string? expectedDynamicSha256)
    {
        var current = File.Exists(_configPath) ? File.ReadAllText(_configPath) : null;
        string updated;
        if (content is not null)
        {
            updated = content;
        }
        else if (edit is not null)
        {
            if (current is null)
            {
                throw new PreconditionFailedException("CONFIG", _configPath, $"{_configPath} does not exist; an edit needs a file to edit (send the whole content instead).");
            }

            var properties = PropertiesText.Parse(current);
            foreach (var key in edit.Remove)
            {
                properties.Remove(key);
            }

            foreach (var (key, value) in edit.Set)
            {
                ValidateKey(key);
                properties.Set(key, value);
            }

            updated = properties.ToString();
        }
        else
        {
            throw new InvalidRequestException("change", "either content or edit is required");
        }

        var parsed = ValidateConfig(updated);
        AtomicFileWriter.CheckExpected(_configPath, FileHashes.Sha256OrNull(_configPath), expectedSha256);
        string? dynamicPath = null;
        if (dynamicContent is not null)
        {
            dynamicPath = ZooCfg.ResolveDynamicPath(_configPath, parsed.Get("dynamicConfigFile"))
                ?? throw new InvalidRequestException("dynamic_content", "the resulting zoo.cfg names no dynamicConfigFile to write it to");
            ValidateServers("dynamic_content", PropertiesText.Parse(dynamicContent));
            AtomicFileWriter.CheckExpected(dynamicPath, FileHashes.Sha256OrNull(dynamicPath), expectedDynamicSha256);
        }

        var results = new List<FileWriteResult> { _writer.Write(_configPath, updated, AtomicFileWriter.AnySha256) };
        if (dynamicPath is not null)
        {
            results.Add(_writer.Write(dynamicPath, dynamicContent!, AtomicFileWriter.AnySha256));
        }

        return results;
    }

    /// <summary>Writes dataDir/myid ("N\n").</summary>
    public FileWriteResult WriteMyId(long serverId, string? expectedSha256)
    {
        if (serverId is < 1 or > 255)
        {
            throw new InvalidRequestException("server_id", $"{serverId} is outside 1-255 (ZooKeeper's server id range)");
        }

        var path = LoadConfig().MyIdPath ?? throw new PreconditionFailedException("CONFIG", _configPath, $"{_configPath} has no dataDir, so there is no myid path.");
        return _writer.Write(path, serverId.ToString(CultureInfo.InvariantCulture) + "\n", expectedSha256);
    }

    /// <summary>Removes the snapshots, txn logs and epoch files (the version-2 directories); myid stays unless asked.</summary>
    public IReadOnlyList<string> ResetDataDir(bool removeMyId)
    {
        var config = LoadConfig();
        var dataDir = config.DataDir ?? throw new PreconditionFailedException("CONFIG", _configPath, $"{_configPath} has no dataDir.");
        var removed = new List<string>();
        foreach (var directory in new[] { dataDir, config.DataLogDir ?? dataDir }.Distinct(StringComparer.Ordinal))
        {
            var version = Path.Combine(directory, DataDirInspector.VersionDirectory);
            if (Directory.Exists(version))
            {
                removed.AddRange(Directory.EnumerateFiles(version, "*", SearchOption.AllDirectories));
                Directory.Delete(version, recursive: true);
            }
        }

        if (removeMyId && config.MyIdPath is { } myId && File.Exists(myId))
        {
            File.Delete(myId);
            removed.Add(myId);
        }

        return removed;
    }

    public ZooCfg LoadConfig()
    {
        try
        {
            return ZooCfg.Load(_configPath);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new PreconditionFailedException("CONFIG", _configPath, $"{_configPath} does not exist (ZooKeeper.ConfigPath).");
        }
    }

    private static PropertiesText ValidateConfig(string content)
    {
        if (content.Contains('\0', StringComparison.Ordinal))
        {
            throw new InvalidRequestException("content", "contains a NUL byte; zoo.cfg is text");
        }

        var properties = PropertiesText.Parse(content);
        if (string.IsNullOrWhiteSpace(properties.Get("dataDir")))
        {
            throw new InvalidRequestException("content", "zoo.cfg must set dataDir");
        }

        ValidateServers("content", properties);
        return properties;
    }

    private static void ValidateServers(string field, PropertiesText properties)
    {
        foreach (var (key, value) in properties.Entries)
        {
            if (!key.StartsWith("server.", StringComparison.Ordinal))
            {
                continue;
            }

            if (!long.TryParse(key.AsSpan(7), NumberStyles.None, CultureInfo.InvariantCulture, out var id))
            {
                throw new InvalidRequestException(field, $"'{key}' is not server.N");
            }

            try
            {
                ZooCfgServer.Parse(id, value);
            }
            catch (FormatException e)
            {
                throw new InvalidRequestException(field, e.Message);
            }
        }
    }

    private static void ValidateKey(string key)
    {
        if (string.IsNullOrWhiteSpace(key) || key.Contains('=', StringComparison.Ordinal) || key.Contains('\n', StringComparison.Ordinal))
        {
            throw new InvalidRequestException("edit.set", $"'{key}' is not a zoo.cfg key");
        }
    }
}
