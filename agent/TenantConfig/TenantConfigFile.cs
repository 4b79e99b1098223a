using System.Text.RegularExpressions;
using ZkMitosis.Agent.Configuration;
using ZkMitosis.Agent.Files;
using ZkMitosis.Agent.Kafka;
using ZkMitosis.Agent.V1;
using ZkMitosis.ZooKeeper.Config.ConnectStringFiles;
using ZkMitosis.ZooKeeper.Connection;

namespace ZkMitosis.Agent.TenantConfig;

/// <summary>
/// A tenant config file of this host, resolved from a caller's <see cref="TenantConfigRef"/>: the path comes only from
/// the agent's own <see cref="AgentOptions.TenantConfigFiles"/> (the caller names an id), the format and keys from the
/// request after validation. Reads and edits go through <see cref="ConnectStringFileFormats"/>, so every byte outside the
/// value stays and a missing or duplicated key is refused before the file is touched.
/// </summary>
/// <param name="Id">The config id (also the <c>ManagedFile.kind</c> reported).</param>
/// <param name="Path">The file, from the agent's configuration.</param>
/// <param name="Location">Where in it the connect string lives.</param>
public sealed partial record TenantConfigFile(string Id, string Path, ConnectStringLocation Location)
{
    /// <summary>The request field the reference travels in, for error messages.</summary>
    public const string Field = "tenant_config";

    /// <summary>Resolves <paramref name="reference"/> against <paramref name="options"/>; null when the caller sent none (Kafka's server.properties).</summary>
    /// <exception cref="InvalidRequestException">an unknown id, an unspecified format, or a malformed key.</exception>
    public static TenantConfigFile? Resolve(TenantConfigRef? reference, AgentOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (reference is null)
        {
            return null;
        }

        if (!IdPattern().IsMatch(reference.ConfigId))
        {
            throw new InvalidRequestException(Field + ".config_id", $"'{CallerText.Printable(reference.ConfigId)}' is not 1-64 letters, digits and '._-'");
        }

        if (!options.TenantConfigFiles.TryGetValue(reference.ConfigId, out var path))
        {
            // The configured ids are not secret, the paths are not told.
            throw new InvalidRequestException(Field + ".config_id", $"'{reference.ConfigId}' is not one of this agent's TenantConfigFiles ({string.Join(", ", options.TenantConfigFiles.Keys.Order(StringComparer.Ordinal))})");
        }

        var format = reference.Format switch
        {
            V1.ConnectStringFormat.Properties => ZooKeeper.Config.ConnectStringFiles.ConnectStringFormat.Properties,
            V1.ConnectStringFormat.ShellEnv => ZooKeeper.Config.ConnectStringFiles.ConnectStringFormat.ShellEnv,
            V1.ConnectStringFormat.HadoopXml => ZooKeeper.Config.ConnectStringFiles.ConnectStringFormat.HadoopXml,
            V1.ConnectStringFormat.ClickhouseXml => ZooKeeper.Config.ConnectStringFiles.ConnectStringFormat.ClickHouseXml,
            V1.ConnectStringFormat.Yaml => ZooKeeper.Config.ConnectStringFiles.ConnectStringFormat.Yaml,
            _ => throw new InvalidRequestException(Field + ".format", "one of PROPERTIES, SHELL_ENV, HADOOP_XML, CLICKHOUSE_XML, YAML is required"),
        };
        var isClickHouse = format == ZooKeeper.Config.ConnectStringFiles.ConnectStringFormat.ClickHouseXml;
        var isHadoop = format == ZooKeeper.Config.ConnectStringFiles.ConnectStringFormat.HadoopXml;
        RequireKey(Field + ".key", reference.Key, required: !isClickHouse);
        RequireKey(Field + ".port_key", reference.PortKey, required: false);
        RequireKey(Field + ".parent_key", reference.ParentKey, required: false);
        if (!isHadoop && (reference.PortKey.Length > 0 || reference.ParentKey.Length > 0))
        {
            throw new InvalidRequestException(Field + ".port_key", "port_key and parent_key are for HADOOP_XML only");
        }

        return new TenantConfigFile(reference.ConfigId, path, new ConnectStringLocation(
            format, reference.Key, reference.PortKey.Length > 0 ? reference.PortKey : null, reference.ParentKey.Length > 0 ? reference.ParentKey : null));
    }

    /// <summary>The connect string the file holds, as the product assembles it.</summary>
    /// <exception cref="PreconditionFailedException">"CONFIG": the file is missing, the key missing or set twice, the file malformed.</exception>
    public async Task<string> ReadConnectAsync(CancellationToken cancellationToken)
    {
        var text = await ReadTextAsync(cancellationToken).ConfigureAwait(false);
        return Checked(() => ConnectStringFileFormats.Read(text, Location));
    }

    /// <summary>The file's text with the connect string replaced by <paramref name="connect"/> (validated as Kafka's is).</summary>
    /// <exception cref="InvalidRequestException">the connect string is malformed, or this file's quoting cannot hold it.</exception>
    /// <exception cref="PreconditionFailedException">"CONFIG": as <see cref="ReadConnectAsync"/>.</exception>
    public async Task<string> EditAsync(string connect, CancellationToken cancellationToken)
    {
        KafkaServerProperties.Validate(connect);
        var target = ConnectionString.Parse(connect);
        var text = await ReadTextAsync(cancellationToken).ConfigureAwait(false);
        return Checked(() => ConnectStringFileFormats.Write(text, Location, target));
    }

    private async Task<string> ReadTextAsync(CancellationToken cancellationToken)
    {
        if (!File.Exists(Path))
        {
            throw new PreconditionFailedException("CONFIG", Path, $"{Path} does not exist (TenantConfigFiles.{Id}).");
        }

        return await File.ReadAllTextAsync(Path, cancellationToken).ConfigureAwait(false);
    }

    private string Checked(Func<string> action)
    {
        try
        {
            return action();
        }
        catch (ConnectStringFileException e) when (e.Problem == ConnectStringFileProblem.ValueRefused)
        {
            throw new InvalidRequestException("zookeeper_connect", $"{Path} ({Location}): {e.Message}");
        }
        catch (ConnectStringFileException e)
        {
            throw new PreconditionFailedException("CONFIG", Path, $"{Path} ({Location}): {e.Message}");
        }
    }

    private static void RequireKey(string field, string value, bool required)
    {
        if (value.Length == 0)
        {
            if (required)
            {
                throw new InvalidRequestException(field, "required");
            }

            return;
        }

        if (!KeyPattern().IsMatch(value))
        {
            throw new InvalidRequestException(field, $"'{CallerText.Printable(value)}' is not 1-128 letters, digits and '._-'");
        }
    }

    /// <summary>A config id: what <see cref="AgentOptions.TenantConfigFiles"/> keys and callers send.</summary>
    [GeneratedRegex(@"\A[A-Za-z0-9._\-]{1,64}\z")]
    public static partial Regex IdPattern();

    [GeneratedRegex(@"\A[A-Za-z0-9._\-]{1,128}\z")]
    private static partial Regex KeyPattern();
}
