using System.Runtime.Versioning;
using ZkMitosis.Coordinator.Plans;

namespace ZkMitosis.Coordinator.Tests.Plans;

/// <summary>
/// The security sections of a plan: read into the model, and every combination that cannot work refused when the plan
/// is loaded (<c>migrate plan</c>), with the field to fix and never the password.
/// </summary>
[UnsupportedOSPlatform("windows")]
public sealed class PlanSecurityTests : IDisposable
{
    private readonly SecurePlanFiles _files = new();

    public void Dispose() => _files.Dispose();

    [Fact]
    public void A_secured_plan_is_read_into_the_model()
    {
        var plan = PlanLoader.Load(_files.Plan);

        var source = plan.SourceSecurity;
        Assert.Equal(new ClientTlsSpec(_files.Ca, _files.Certificate, _files.Key, HostnameVerification: false), source.ClientTls);
        Assert.Equal(new ClientAuthSpec(ClientAuthScheme.Sasl, _files.Credentials), source.ClientAuth);
        Assert.True(source.SslQuorum && source.QuorumSasl && source.RequireClientSasl);
        Assert.True(plan.DestinationSecurity.ClientTls!.HostnameVerification);
        Assert.Equal(2182, plan.Source[0].SecureClientPort);
        Assert.Equal("10.250.7.11:2182", plan.Source[0].SessionEndpoint(tls: true));
        Assert.Equal("10.250.7.11:2181", plan.Source[0].SessionEndpoint(tls: false));
        var host = plan.Destination[0].HostSecurity;
        Assert.Equal(new TlsStoreSpec("/etc/zookeeper/tls/server.pem", "/etc/zookeeper/tls/ca.pem", "PEM", null), host.ClientTls);
        Assert.Equal(new TlsStoreSpec("/etc/zookeeper/tls/quorum.p12", "/etc/zookeeper/tls/quorum-trust.p12", "PKCS12", "/etc/zookeeper/tls/store.pass"), host.QuorumTls);
        Assert.Equal("/etc/zookeeper/jaas.conf", host.Jaas);
        Assert.Same(HostSecurity.None, plan.Source[0].HostSecurity);
    }

    /// <summary>
    /// A tenant of a TLS ensemble (Kafka with <c>zookeeper.ssl.client.enable</c>, KIP-515) is on its secure ports: the
    /// switch moves it to the destination's secure ports and an undo back to the source's, never to a plain port.
    /// </summary>
    [Fact]
    public void A_tenant_of_TLS_ensembles_is_switched_between_their_secure_ports()
    {
        var plan = PlanLoader.Load(_files.Plan);
        var kafka = plan.MovedTenants.Single();

        Assert.Equal("10.250.7.11:2182/kafka", plan.SourceConnectFor(kafka));
        Assert.Equal("10.250.7.14:2182/kafka", plan.DestinationConnectFor(kafka));
        Assert.Equal(plan.SourceConnectFor(kafka), plan.SourceConnect);
        Assert.Equal(plan.DestinationConnectFor(kafka), plan.DestinationConnect);
    }

    /// <summary>
    /// Strategy copy opens its own copy, mirror and diff sessions, which log in with SASL only: a digest login is
    /// refused when the plan is read, not half-way through the copy; SASL is accepted.
    /// </summary>
    [Fact]
    public void A_copy_plan_with_a_digest_login_is_refused_and_with_SASL_accepted()
    {
        var copy = _files.Plan.Replace("planId: secure-kafka", "planId: secure-kafka\nstrategy: copy", StringComparison.Ordinal);
        var text = copy.Replace("destination:\n  security:\n    clientTls: { ca: " + _files.Ca + ", certificate: " + _files.Certificate + ", key: " + _files.Key + " }\n    clientAuth: { scheme: sasl", "destination:\n  security:\n    clientTls: { ca: " + _files.Ca + ", certificate: " + _files.Certificate + ", key: " + _files.Key + " }\n    clientAuth: { scheme: digest", StringComparison.Ordinal);
        Assert.NotEqual(copy, text);

        var error = Assert.Throws<InvalidPlanException>(() => PlanLoader.Load(text));

        Assert.Contains(error.Problems, p => p.Path == "destination.security.clientAuth.scheme" && p.Message.Contains("strategy: copy", StringComparison.Ordinal));
        Assert.Equal(MigrationStrategy.Copy, PlanLoader.Load(copy).Strategy);
    }

    [Fact]
    public void A_plan_without_security_sections_is_plain()
    {
        var plan = PlanLoader.Load(Support.SamplePlans.Valid);

        Assert.True(plan.SourceSecurity.IsNone);
        Assert.True(plan.DestinationSecurity.IsNone);
        Assert.All(plan.Destination, d => Assert.Same(HostSecurity.None, d.HostSecurity));
    }

    public static TheoryData<string, string, string, string, string> Refusals => new()
    {
        // name, text to replace, replacement, field, words of the reason
        { "TLS sessions and a server without a secure port", "clientPort: 2181, secureClientPort: 2182,", "clientPort: 2181,", "source.servers[0].secureClientPort", "secure client port" },
        { "no CA", "clientTls: { ca: {CA}, certificate", "clientTls: { certificate", "source.security.clientTls.ca", "is required" },
        { "CA file missing", "clientTls: { ca: {CA}, certificate", "clientTls: { ca: /nonexistent/ca.pem, certificate", "source.security.clientTls.ca", "does not exist" },
        { "certificate without its key", "certificate: {CERT}, key: {KEY}, hostnameVerification", "certificate: {CERT}, hostnameVerification", "source.security.clientTls", "go together" },
        { "credentials file missing", "credentials: {CREDS} }\n    sslQuorum: true\n    quorumSasl: true\n    requireClientSasl: true\n  servers:\n    - { id: 1", "credentials: /nonexistent/source.jaas }\n    sslQuorum: true\n    quorumSasl: true\n    requireClientSasl: true\n  servers:\n    - { id: 1", "source.security.clientAuth.credentials", "does not exist" },
        { "credentials a directory", "credentials: {CREDS} }\n    sslQuorum: true\n    quorumSasl: true\n    requireClientSasl: true\n  servers:\n    - { id: 1", "credentials: {DIR} }\n    sslQuorum: true\n    quorumSasl: true\n    requireClientSasl: true\n  servers:\n    - { id: 1", "source.security.clientAuth.credentials", "is a directory" },
        { "unknown auth scheme", "scheme: sasl, credentials: {CREDS} }\n    sslQuorum: true\n    quorumSasl: true\n    requireClientSasl: true\n  servers:\n    - { id: 1", "scheme: kerberos, credentials: {CREDS} }\n    sslQuorum: true\n    quorumSasl: true\n    requireClientSasl: true\n  servers:\n    - { id: 1", "source.security.clientAuth.scheme", "sasl" },
        { "SASL required and no credentials", "    clientAuth: { scheme: sasl, credentials: {CREDS} }\n    sslQuorum: true\n    quorumSasl: true\n    requireClientSasl: true\n  servers:\n    - { id: 1", "    sslQuorum: true\n    quorumSasl: true\n    requireClientSasl: true\n  servers:\n    - { id: 1", "source.security.clientAuth", "closes every session without SASL" },
        { "SASL required and digest credentials", "scheme: sasl, credentials: {CREDS} }\n    sslQuorum: true\n    quorumSasl: true\n    requireClientSasl: true\n  servers:\n    - { id: 1", "scheme: digest, credentials: {CREDS} }\n    sslQuorum: true\n    quorumSasl: true\n    requireClientSasl: true\n  servers:\n    - { id: 1", "source.security.clientAuth", "too late" },
        { "quorum TLS and a destination host without a quorum key store", "        quorumTls: { keyStore: /etc/zookeeper/tls/quorum.p12, trustStore: /etc/zookeeper/tls/quorum-trust.p12, type: PKCS12, passwordFile: /etc/zookeeper/tls/store.pass }\n", "", "destination.servers[0].hostSecurity.quorumTls", "sslQuorum" },
        { "quorum SASL and a destination host without a JAAS file", "        jaas: /etc/zookeeper/jaas.conf\n", "", "destination.servers[0].hostSecurity.jaas", "quorumSasl" },
        { "source quorum TLS, destination not", "    sslQuorum: true\n    quorumSasl: true\n    requireClientSasl: true\n  servers:\n    - id: 4", "    quorumSasl: true\n    requireClientSasl: true\n  servers:\n    - id: 4", "destination.security.sslQuorum", "must be true" },
        { "source SASL-only, destination not", "    sslQuorum: true\n    quorumSasl: true\n    requireClientSasl: true\n  servers:\n    - id: 4", "    sslQuorum: true\n    quorumSasl: true\n  servers:\n    - id: 4", "destination.security.requireClientSasl", "must be true" },
        { "source TLS clients, destination without a secure port", "      secureClientPort: 2182\n      quorumPort: 2888", "      quorumPort: 2888", "destination.servers[0].secureClientPort", "source serves TLS clients" },
        { "secure port and no stores for it", "        clientTls: { keyStore: /etc/zookeeper/tls/server.pem, trustStore: /etc/zookeeper/tls/ca.pem, type: PEM }\n", "", "destination.servers[0].hostSecurity.clientTls", "secureClientPort" },
        { "host path relative", "jaas: /etc/zookeeper/jaas.conf", "jaas: etc/zookeeper/jaas.conf", "destination.servers[0].hostSecurity.jaas", "absolute" },
        { "host path climbing", "keyStore: /etc/zookeeper/tls/server.pem", "keyStore: /etc/zookeeper/../shadow", "destination.servers[0].hostSecurity.clientTls.keyStore", "absolute" },
        { "PKCS12 store without a password file", ", type: PKCS12, passwordFile: /etc/zookeeper/tls/store.pass }", ", type: PKCS12 }", "destination.servers[0].hostSecurity.quorumTls.passwordFile", "password" },
        { "unknown store type", "type: PEM }", "type: DER }", "destination.servers[0].hostSecurity.clientTls.type", "PEM, JKS or PKCS12" },
        { "host files on a source server", "agent: 10.250.7.11:7443 }", "agent: 10.250.7.11:7443, hostSecurity: { jaas: /etc/zookeeper/jaas.conf } }", "source.servers[0].hostSecurity", "not a known field" },
        { "secure port on the client port", "clientPort: 2181, secureClientPort: 2182,", "clientPort: 2181, secureClientPort: 2181,", "source.servers[0]", "must differ" },
        { "unknown security field", "    sslQuorum: true\n    quorumSasl: true\n    requireClientSasl: true\n  servers:\n    - { id: 1", "    sslQuorum: true\n    quorumSasl: true\n    requireClientSasl: true\n    saslQuorum: true\n  servers:\n    - { id: 1", "source.security.saslQuorum", "not a known field" },
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public void A_plan_whose_security_cannot_work_is_refused_naming_the_field(string name, string find, string replace, string field, string reason)
    {
        var text = Refuse(Fill(find), Fill(replace));

        var error = Assert.Throws<InvalidPlanException>(() => PlanLoader.Load(text));
        Assert.True(error.Problems.Any(p => p.Path == field && p.Message.Contains(reason, StringComparison.Ordinal)),
            $"{name}: expected {field} ({reason}), got:\n{error.Message}");
        Assert.All(error.Problems, p => Assert.DoesNotContain('\n', p.ToString()));
    }

    [Fact]
    public void A_credentials_file_open_to_others_is_refused_without_showing_the_password()
    {
        File.SetUnixFileMode(_files.Credentials, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);

        var error = Assert.Throws<InvalidPlanException>(() => PlanLoader.Load(_files.Plan));

        Assert.Contains(error.Problems, p => p.Path == "source.security.clientAuth.credentials" && p.Message.Contains("mode 0644", StringComparison.Ordinal) && p.Message.Contains("chmod 600", StringComparison.Ordinal));
        Assert.DoesNotContain(SecurePlanFiles.Password, error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_private_key_readable_by_its_group_is_refused()
    {
        File.SetUnixFileMode(_files.Key, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead);

        var error = Assert.Throws<InvalidPlanException>(() => PlanLoader.Load(_files.Plan));

        Assert.Contains(error.Problems, p => p.Path == "source.security.clientTls.key" && p.Message.Contains("mode 0640", StringComparison.Ordinal));
    }

    [Fact]
    public void A_credentials_file_without_a_password_is_refused_naming_the_user_only()
    {
        File.WriteAllText(_files.Credentials, $"username=kafka\n# password={SecurePlanFiles.Password}\n");

        var error = Assert.Throws<InvalidPlanException>(() => PlanLoader.Load(_files.Plan));

        Assert.Contains(error.Problems, p => p.Path == "source.security.clientAuth.credentials" && p.Message.Contains("no password for user 'kafka'", StringComparison.Ordinal));
        Assert.DoesNotContain(SecurePlanFiles.Password, error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_Kerberos_credentials_file_is_accepted_with_sasl_and_its_keytab_checked()
    {
        var keyTab = _files.Write("kafka.keytab", "not a real keytab", secret: true);
        File.WriteAllText(_files.Credentials, $"Client {{\n  com.sun.security.auth.module.Krb5LoginModule required\n  useKeyTab=true keyTab=\"{keyTab}\"\n  principal=\"kafka/c1@EXAMPLE.COM\";\n}};\n");
        Assert.Equal(ClientAuthScheme.Sasl, PlanLoader.Load(_files.Plan).SourceSecurity.ClientAuth!.Scheme);

        File.SetUnixFileMode(keyTab, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.OtherRead);
        var open = Assert.Throws<InvalidPlanException>(() => PlanLoader.Load(_files.Plan));
        Assert.Contains(open.Problems, p => p.Path == "source.security.clientAuth.credentials" && p.Message.Contains(keyTab, StringComparison.Ordinal) && p.Message.Contains("chmod 600", StringComparison.Ordinal));

        File.Delete(keyTab);
        var absent = Assert.Throws<InvalidPlanException>(() => PlanLoader.Load(_files.Plan));
        Assert.Contains(absent.Problems, p => p.Path == "source.security.clientAuth.credentials" && p.Message.Contains($"{keyTab} does not exist", StringComparison.Ordinal));
    }

    [Fact]
    public void A_Kerberos_credentials_file_with_scheme_digest_is_refused()
    {
        var keyTab = _files.Write("kafka-digest.keytab", "not a real keytab", secret: true);
        File.WriteAllText(_files.Credentials, $"Client {{ com.sun.security.auth.module.Krb5LoginModule required useKeyTab=true keyTab=\"{keyTab}\" principal=\"kafka/c1@EXAMPLE.COM\"; }};\n");
        var text = Refuse("clientAuth: { scheme: sasl", "clientAuth: { scheme: digest");

        var error = Assert.Throws<InvalidPlanException>(() => PlanLoader.Load(text));

        Assert.Contains(error.Problems, p => p.Path == "source.security.clientAuth.scheme" && p.Message.Contains("Kerberos principal 'kafka/c1@EXAMPLE.COM'", StringComparison.Ordinal));
    }

    private string Fill(string text) => text.Replace("{CA}", _files.Ca, StringComparison.Ordinal).Replace("{CERT}", _files.Certificate, StringComparison.Ordinal)
        .Replace("{KEY}", _files.Key, StringComparison.Ordinal).Replace("{CREDS}", _files.Credentials, StringComparison.Ordinal).Replace("{DIR}", _files.Directory, StringComparison.Ordinal);

    private string Refuse(string find, string replace)
    {
        var plan = _files.Plan;
        Assert.True(plan.Contains(find, StringComparison.Ordinal), $"the plan has no {find}");
        var at = plan.IndexOf(find, StringComparison.Ordinal);
        return plan[..at] + replace + plan[(at + find.Length)..];
    }
}
