using System.Collections.Concurrent;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Grpc.Net.Client;
using ZkMitosis.Coordinator.Plans;

namespace ZkMitosis.Coordinator.Agents;

/// <summary>
/// gRPC channels to the plan's agents: mTLS with the plan's client certificate, trusting only the plan's CA
/// (the agent's certificate must chain to it), or plaintext HTTP/2 when the plan says <c>tls.insecure</c>.
/// </summary>
public sealed class PlanAgentChannels(TlsSpec tls) : IDisposable
{
    private readonly ConcurrentDictionary<string, GrpcChannel> _channels = new(StringComparer.OrdinalIgnoreCase);

    public GrpcChannel For(string address) => _channels.GetOrAdd(address, Create);

    private GrpcChannel Create(string address)
    {
        if (tls.Insecure)
        {
            return GrpcChannel.ForAddress($"http://{address}", new GrpcChannelOptions { HttpHandler = new SocketsHttpHandler { ConnectTimeout = TimeSpan.FromSeconds(5) } });
        }

        var ca = X509CertificateLoader.LoadCertificateFromFile(tls.Ca!);
        var client = X509Certificate2.CreateFromPemFile(tls.Certificate!, tls.Key!);
        var handler = new SocketsHttpHandler
        {
            ConnectTimeout = TimeSpan.FromSeconds(5),
            SslOptions = new SslClientAuthenticationOptions
            {
                ClientCertificates = [client],
                RemoteCertificateValidationCallback = (_, certificate, _, errors) =>
                {
                    if (certificate is null)
                    {
                        return false;
                    }

                    // Only our CA, whatever the machine trusts; the name must still match the agent's address.
                    using var chain = new X509Chain();
                    chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                    chain.ChainPolicy.CustomTrustStore.Add(ca);
                    chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                    var chained = chain.Build(new X509Certificate2(certificate));
                    return chained && (errors & SslPolicyErrors.RemoteCertificateNameMismatch) == 0;
                },
            },
        };
        return GrpcChannel.ForAddress($"https://{address}", new GrpcChannelOptions { HttpHandler = handler });
    }

    public void Dispose()
    {
        foreach (var channel in _channels.Values)
        {
            channel.Dispose();
        }
    }
}
