using ZkMitosis.ZooKeeper.Security;

namespace ZkMitosis.KafkaStandIn;

/// <summary>
/// Kafka's ZooKeeper client TLS keys of <c>server.properties</c> (KIP-515), read as a broker reads them:
/// <c>zookeeper.ssl.client.enable</c> (default false), <c>zookeeper.clientCnxnSocket</c> (TLS needs
/// <see cref="NettySocket"/>), <c>zookeeper.ssl.keystore.location</c>/<c>.type</c>,
/// <c>zookeeper.ssl.truststore.location</c>/<c>.type</c> and <c>zookeeper.ssl.endpoint.identification.algorithm</c>
/// (default HTTPS: hostname verification; empty: none). Only PEM stores: a PEM key store holds the private key and
/// the certificate, a PEM trust store the CA certificates, so their passwords are not read (and never printed).
/// </summary>
internal static class ZooKeeperTlsProperties
{
    /// <summary>The only client socket of ZooKeeper's Java client that speaks TLS.</summary>
    public const string NettySocket = "org.apache.zookeeper.ClientCnxnSocketNetty";

    public const string ClientEnable = "zookeeper.ssl.client.enable";
    public const string ClientCnxnSocket = "zookeeper.clientCnxnSocket";
    public const string KeyStoreLocation = "zookeeper.ssl.keystore.location";
    public const string KeyStoreType = "zookeeper.ssl.keystore.type";
    public const string TrustStoreLocation = "zookeeper.ssl.truststore.location";
    public const string TrustStoreType = "zookeeper.ssl.truststore.type";
    public const string EndpointIdentification = "zookeeper.ssl.endpoint.identification.algorithm";

    /// <summary>
    /// The TLS options <paramref name="values"/> give, or null when <c>zookeeper.ssl.client.enable</c> is not true.
    /// Every problem is added to <paramref name="problems"/> (one short phrase naming the property, never a password).
    /// </summary>
    public static ZooKeeperTlsOptions? Read(IReadOnlyDictionary<string, string> values, List<string> problems)
    {
        if (!Flag(values, ClientEnable, problems))
        {
            return null;
        }

        var count = problems.Count;
        // Kafka hands these keys to ZooKeeper's client, whose NIO socket has no TLS: the broker fails at its first connect.
        var socket = values.GetValueOrDefault(ClientCnxnSocket);
        if (socket != NettySocket)
        {
            problems.Add($"{ClientEnable}=true needs {ClientCnxnSocket}={NettySocket}" + (string.IsNullOrEmpty(socket) ? string.Empty : $" (not '{socket}')"));
        }

        var trustStore = values.GetValueOrDefault(TrustStoreLocation);
        if (string.IsNullOrEmpty(trustStore))
        {
            // A JVM would fall back to its default trust store; the stand-in trusts only what it is given.
            problems.Add($"{ClientEnable}=true needs {TrustStoreLocation} (a PEM file of CA certificates)");
        }
        else
        {
            RequirePem(values, TrustStoreType, trustStore, problems);
        }

        var keyStore = values.GetValueOrDefault(KeyStoreLocation);
        if (!string.IsNullOrEmpty(keyStore))
        {
            RequirePem(values, KeyStoreType, keyStore, problems);
        }

        var hostnameVerification = true;
        if (values.TryGetValue(EndpointIdentification, out var algorithm))
        {
            if (algorithm.Length == 0)
            {
                hostnameVerification = false;
            }
            else if (!algorithm.Equals("HTTPS", StringComparison.OrdinalIgnoreCase))
            {
                problems.Add($"{EndpointIdentification} '{algorithm}' is not HTTPS or empty");
            }
        }

        if (problems.Count > count)
        {
            return null;
        }

        return new ZooKeeperTlsOptions
        {
            CaFile = trustStore!,
            // A PEM key store is one file with the key and the certificate chain: read for both.
            CertificateFile = string.IsNullOrEmpty(keyStore) ? null : keyStore,
            KeyFile = string.IsNullOrEmpty(keyStore) ? null : keyStore,
            HostnameVerification = hostnameVerification,
        };
    }

    /// <summary>A Java boolean property: true or false (any case), default false; anything else is a problem.</summary>
    public static bool Flag(IReadOnlyDictionary<string, string> values, string key, List<string> problems)
    {
        if (!values.TryGetValue(key, out var text) || text.Length == 0 || text.Equals("false", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        if (text.Equals("true", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        problems.Add($"{key} '{text}' is not true or false");
        return false;
    }

    /// <summary>
    /// The store's type must be PEM; unset, it is taken from the file name as ZooKeeper's <c>X509Util</c> does
    /// (<c>.pem</c> is PEM; <c>.jks</c>, <c>.p12</c> and the rest are not).
    /// </summary>
    private static void RequirePem(IReadOnlyDictionary<string, string> values, string typeKey, string location, List<string> problems)
    {
        var type = values.GetValueOrDefault(typeKey);
        if (string.IsNullOrEmpty(type))
        {
            if (!location.EndsWith(".pem", StringComparison.OrdinalIgnoreCase))
            {
                problems.Add($"{typeKey} is unset and {location} does not end in .pem: only PEM stores are supported (set {typeKey}=PEM)");
            }
        }
        else if (!type.Equals("PEM", StringComparison.OrdinalIgnoreCase))
        {
            problems.Add($"{typeKey} '{type}' is not supported: only PEM");
        }
    }
}
