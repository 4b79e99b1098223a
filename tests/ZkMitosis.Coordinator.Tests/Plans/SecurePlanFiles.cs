using System.Runtime.Versioning;
using ZkMitosis.Testing;

namespace ZkMitosis.Coordinator.Tests.Plans;

/// <summary>
/// The coordinator-side files of a secured plan in a fresh directory (CA, client certificate and key, a credentials
/// file with <see cref="Password"/>), owner-only where they hold a secret, and a plan text that uses them.
/// </summary>
[UnsupportedOSPlatform("windows")]
public sealed class SecurePlanFiles : IDisposable
{
    public const string Password = "plan-Pa55-never-printed";

    private readonly TestDirectory _directory = new("secure-plan");

    public SecurePlanFiles()
    {
        Ca = Write("ca.pem", "-----BEGIN CERTIFICATE-----\nnot checked by the plan\n-----END CERTIFICATE-----\n", secret: false);
        Certificate = Write("client.crt", "-----BEGIN CERTIFICATE-----\nx\n-----END CERTIFICATE-----\n", secret: false);
        Key = Write("client.key", "-----BEGIN PRIVATE KEY-----\nx\n-----END PRIVATE KEY-----\n", secret: true);
        Credentials = Write("source.jaas", $"Client {{\n  org.apache.zookeeper.server.auth.DigestLoginModule required\n  username=\"kafka\"\n  password=\"{Password}\";\n}};\n", secret: true);
    }

    public string Directory => _directory.Path;

    public string Ca { get; }

    public string Certificate { get; }

    public string Key { get; }

    public string Credentials { get; }

    /// <summary>Writes a file in the directory, mode 0600 for a secret, 0644 otherwise.</summary>
    public string Write(string name, string text, bool secret)
    {
        var path = Path.Combine(Directory, name);
        File.WriteAllText(path, text);
        File.SetUnixFileMode(path, secret ? UnixFileMode.UserRead | UnixFileMode.UserWrite
            : UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        return path;
    }

    /// <summary>
    /// A plan whose source runs a TLS client port, SASL required of every session, quorum TLS and quorum SASL, and
    /// whose destination carries all of it with each host's own files.
    /// </summary>
    public string Plan => $$"""
        planId: secure-kafka
        chroot: /kafka
        source:
          security:
            clientTls: { ca: {{Ca}}, certificate: {{Certificate}}, key: {{Key}}, hostnameVerification: false }
            clientAuth: { scheme: sasl, credentials: {{Credentials}} }
            sslQuorum: true
            quorumSasl: true
            requireClientSasl: true
          servers:
            - { id: 1, host: 10.250.7.11, clientPort: 2181, secureClientPort: 2182, quorumPort: 2888, electionPort: 3888, agent: 10.250.7.11:7443 }
        destination:
          security:
            clientTls: { ca: {{Ca}}, certificate: {{Certificate}}, key: {{Key}} }
            clientAuth: { scheme: sasl, credentials: {{Credentials}} }
            sslQuorum: true
            quorumSasl: true
            requireClientSasl: true
          servers:
            - id: 4
              host: 10.250.7.14
              clientPort: 2181
              secureClientPort: 2182
              quorumPort: 2888
              electionPort: 3888
              agent: 10.250.7.14:7443
              hostSecurity:
                clientTls: { keyStore: /etc/zookeeper/tls/server.pem, trustStore: /etc/zookeeper/tls/ca.pem, type: PEM }
                quorumTls: { keyStore: /etc/zookeeper/tls/quorum.p12, trustStore: /etc/zookeeper/tls/quorum-trust.p12, type: PKCS12, passwordFile: /etc/zookeeper/tls/store.pass }
                jaas: /etc/zookeeper/jaas.conf
        kafka:
          brokers:
            - { id: 1, agent: 10.250.7.21:7443 }
        tls:
          insecure: true
        """;

    public void Dispose() => _directory.Dispose();
}
