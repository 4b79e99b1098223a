using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Grpc.Net.Client;
using ZkMitosis.ZooKeeper.Connection;

namespace ZkMitosis.Coordinator.Agents;

/// <summary>
/// Builds the gRPC channel to one agent: TLS with this side's client certificate, the agent's certificate checked against
/// the pinned CA (and its names), or plain h2c when the settings say insecure. Dispose the channel when done.
/// </summary>
public static class AgentChannelFactory
{
    /// <summary>Agents listen here unless told otherwise.</summary>
    public const int DefaultPort = 7443;

    /// <param name="address"><c>host:port</c> (or <c>host</c>, then port 7443); a full <c>https://</c> URL is taken as is.</param>
    /// <param name="settings">CA, client certificate and key, or insecure.</param>
    /// <param name="connectTimeout">Bound on one TCP connect (default 5 s).</param>
    /// <exception cref="ArgumentException">TLS settings incomplete, or <paramref name="address"/> is not host[:port] (an IPv6 address unbracketed).</exception>
    public static GrpcChannel Create(string address, AgentTlsSettings settings, TimeSpan? connectTimeout = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(address);
        ArgumentNullException.ThrowIfNull(settings);
        var uri = ToUri(address, settings.Insecure);
        var handler = new SocketsHttpHandler
        {
            ConnectTimeout = connectTimeout ?? TimeSpan.FromSeconds(5),
            EnableMultipleHttp2Connections = true,
            KeepAlivePingDelay = TimeSpan.FromSeconds(20),
            KeepAlivePingTimeout = TimeSpan.FromSeconds(10),
            PooledConnectionIdleTimeout = Timeout.InfiniteTimeSpan,
        };
        if (!settings.Insecure)
        {
            if (string.IsNullOrWhiteSpace(settings.CaCertificatePath) || string.IsNullOrWhiteSpace(settings.ClientCertificatePath) || string.IsNullOrWhiteSpace(settings.ClientKeyPath))
            {
                throw new ArgumentException("agent TLS needs the CA certificate, the client certificate and its key (or insecure mode for labs)", nameof(settings));
            }

            var authorities = new X509Certificate2Collection();
            authorities.ImportFromPemFile(settings.CaCertificatePath);
            var client = X509Certificate2.CreateFromPemFile(settings.ClientCertificatePath, settings.ClientKeyPath);
            handler.SslOptions = new SslClientAuthenticationOptions
            {
                EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
                ClientCertificates = [client],
                // Pinned CA: the system's roots do not count, and neither does a certificate for another name.
                RemoteCertificateValidationCallback = (_, certificate, _, errors) =>
                    certificate is not null
                    && (errors & SslPolicyErrors.RemoteCertificateNameMismatch) == 0
                    && (errors & SslPolicyErrors.RemoteCertificateNotAvailable) == 0
                    && ChainsTo(new X509Certificate2(certificate), authorities),
            };
        }

        // gRPC's own reconnect backoff (1 s, growing to 2 min) fails calls fast while it waits, so an agent back after a
        // short outage stayed unreachable past our bounded retries (250 ms doubling, 5 attempts): keep it short, so the
        // retries see the agent as soon as it answers again.
        return GrpcChannel.ForAddress(uri, new GrpcChannelOptions
        {
            HttpHandler = handler,
            DisposeHttpClient = true,
            InitialReconnectBackoff = TimeSpan.FromMilliseconds(100),
            MaxReconnectBackoff = TimeSpan.FromSeconds(1),
        });
    }

    /// <summary>True when <paramref name="certificate"/> chains to one of <paramref name="authorities"/> and is a server certificate.</summary>
    public static bool ChainsTo(X509Certificate2 certificate, X509Certificate2Collection authorities)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(authorities);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.ApplicationPolicy.Add(new System.Security.Cryptography.Oid("1.3.6.1.5.5.7.3.1"));
        return chain.Build(certificate);
    }

    private static Uri ToUri(string address, bool insecure)
    {
        if (address.Contains("://", StringComparison.Ordinal))
        {
            return new Uri(address);
        }

        var scheme = insecure ? "http" : "https";
        return HostEndpoint.TryParse(address, DefaultPort, out var endpoint, out var problem)
            ? new Uri($"{scheme}://{endpoint}")
            : throw new ArgumentException($"agent address: {problem}", nameof(address));
    }
}
