using System.Globalization;
using ZkMitosis.KafkaStandIn.TenantHosts;

namespace ZkMitosis.KafkaStandIn;

/// <summary>The stand-in's command line.</summary>
internal sealed record StandInArguments
{
    public bool TenantWriter { get; init; }

    /// <summary>A tenant-host stand-in's product (<c>solr</c>, <c>hbase</c>, <c>clickhouse</c> as the first argument), or null.</summary>
    public TenantProduct? Product { get; init; }

    /// <summary>The Solr node, HBase server or ClickHouse replica name (<c>--name</c>).</summary>
    public string? Name { get; init; }

    /// <summary>ClickHouse: the replicated table's path under the root (<c>--table</c>); default <c>/tables/t1</c>.</summary>
    public string Table { get; init; } = "/tables/t1";

    public string? ConfigPath { get; init; }

    public string StatePath { get; init; } = "standin-state.json";

    public string? Connect { get; init; }

    public string? Root { get; init; }

    public int SessionTimeoutMs { get; init; } = 10000;

    /// <summary>
    /// <c>--jaas FILE</c>: the JAAS file whose <c>Client</c> section gives the SASL DIGEST-MD5 user and password. Stands
    /// in for the JVM system property <c>java.security.auth.login.config</c> a Kafka broker takes it from (KAFKA_OPTS).
    /// </summary>
    public string? JaasPath { get; init; }

    /// <summary>tenant-writer: <c>--tls-ca FILE</c>, PEM CA certificates; TLS to ZooKeeper when given.</summary>
    public string? TlsCaPath { get; init; }

    /// <summary>tenant-writer: <c>--tls-keystore FILE</c>, a PEM key store (private key and certificate in one file).</summary>
    public string? TlsKeyStorePath { get; init; }

    public TimeSpan WriteInterval { get; init; } = KafkaBrokerStandIn.DefaultWriteInterval;

    public static StandInArguments Parse(IReadOnlyList<string> args)
    {
        var result = new StandInArguments();
        var start = 0;
        if (args.Count > 0 && args[0] == "tenant-writer")
        {
            result = result with { TenantWriter = true };
            start = 1;
        }
        else if (args.Count > 0 && Products.TryGetValue(args[0], out var product))
        {
            result = result with { Product = product };
            start = 1;
        }

        for (var i = start; i < args.Count; i++)
        {
            var value = i + 1 < args.Count ? args[i + 1] : throw new StandInConfigException($"{args[i]} needs a value");
            result = args[i] switch
            {
                "--config" => result with { ConfigPath = value },
                "--state" => result with { StatePath = value },
                "--connect" => result with { Connect = value },
                "--root" => result with { Root = value },
                "--jaas" => result with { JaasPath = value },
                "--tls-ca" => result with { TlsCaPath = value },
                "--tls-keystore" => result with { TlsKeyStorePath = value },
                "--name" => result with { Name = NameValue(args[i], value) },
                "--table" => result with { Table = PathValue(args[i], value) },
                "--session-timeout-ms" => result with { SessionTimeoutMs = PositiveInt(args[i], value) },
                "--write-interval-ms" => result with { WriteInterval = TimeSpan.FromMilliseconds(PositiveInt(args[i], value)) },
                _ => throw new StandInConfigException($"unknown argument '{args[i]}'"),
            };
            i++;
        }

        if (result.TenantWriter && (result.Connect is null || result.Root is null))
        {
            throw new StandInConfigException("tenant-writer needs --connect HOSTS and --root PATH");
        }

        if (result.Product is { } p && (result.ConfigPath is null || result.Name is null))
        {
            throw new StandInConfigException($"{p.ToString().ToLowerInvariant()} needs --config FILE and --name NAME");
        }

        // A broker reads its TLS keys from server.properties, as Kafka does; a tenant host from its product's file.
        if (!result.TenantWriter && (result.TlsCaPath is not null || result.TlsKeyStorePath is not null))
        {
            throw new StandInConfigException("--tls-ca and --tls-keystore are for tenant-writer; a broker stand-in reads zookeeper.ssl.* from server.properties");
        }

        if (result.TlsKeyStorePath is not null && result.TlsCaPath is null)
        {
            throw new StandInConfigException("--tls-keystore needs --tls-ca FILE");
        }

        if (result.Product is { } tenantProduct && result.JaasPath is not null)
        {
            throw new StandInConfigException($"--jaas is for the Kafka broker stand-in and tenant-writer, not {tenantProduct.ToString().ToLowerInvariant()}");
        }

        if (!result.TenantWriter && result.ConfigPath is null)
        {
            throw new StandInConfigException("--config server.properties is required");
        }

        if (!result.TenantWriter && result.StatePath == "standin-state.json")
        {
            result = result with { StatePath = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(result.ConfigPath!))!, "standin-state.json") };
        }

        return result;
    }

    private static readonly Dictionary<string, TenantProduct> Products = new(StringComparer.Ordinal)
    {
        ["solr"] = TenantProduct.Solr,
        ["hbase"] = TenantProduct.HBase,
        ["clickhouse"] = TenantProduct.ClickHouse,
    };

    /// <summary>A znode name: no '/', no control character, not empty.</summary>
    private static string NameValue(string name, string value) =>
        value.Length > 0 && value.Length <= 255 && !value.Contains('/', StringComparison.Ordinal) && !value.Any(char.IsControl) && value is not "." and not ".."
            ? value
            : throw new StandInConfigException($"{name} '{value}' is not a znode name");

    private static string PathValue(string name, string value) =>
        value.StartsWith('/') && value.Length > 1 && value.Split('/').Skip(1).All(part => part.Length > 0 && !part.Any(char.IsControl))
            ? value
            : throw new StandInConfigException($"{name} '{value}' is not an absolute znode path");

    private static int PositiveInt(string name, string value) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var number) && number > 0
            ? number
            : throw new StandInConfigException($"{name} '{value}' is not a positive integer");
}
