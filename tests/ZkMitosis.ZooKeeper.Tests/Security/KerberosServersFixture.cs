using ZkMitosis.Testing;
using ZkMitosis.Testing.Security;

namespace ZkMitosis.ZooKeeper.Tests.Security;

/// <summary>
/// A real MIT KDC (realm ZKM.TEST) with principals <c>zookeeper/localhost</c>, <c>kafka/localhost</c>,
/// <c>other/localhost</c> and <c>ghost/localhost</c> (deleted after its keytab was made: the KDC does not know it),
/// a real ZooKeeper 3.8 requiring SASL with Kerberos, and one requiring SASL DIGEST-MD5 (a server without Kerberos).
/// The test process's native <c>KRB5_CONFIG</c> points at the KDC's krb5.conf: krb5 reads it there, as it reads an
/// operator's. One fixture per process may do so; no other test of this project uses Kerberos.
/// </summary>
public sealed class KerberosServersFixture : IAsyncLifetime
{
    private readonly TestDirectory _directory = new("zk-krb");
    private TestKerberosRealm? _realm;
    private SecureZooKeeper? _kerberos;
    private SecureZooKeeper? _digest;

    public string Directory => _directory.Path;

    public TestKdc Kdc => Realm.Kdc;

    private TestKerberosRealm Realm => _realm ?? throw new InvalidOperationException("not started");

    /// <summary>SASL GSSAPI required; its principal is zookeeper/localhost@ZKM.TEST.</summary>
    public SecureZooKeeper Kerberos => _kerberos ?? throw new InvalidOperationException("not started");

    /// <summary>SASL DIGEST-MD5 required (user alice): no Kerberos.</summary>
    public SecureZooKeeper Digest => _digest ?? throw new InvalidOperationException("not started");

    public string KafkaKeyTab => Realm.KafkaKeyTab;

    public string OtherKeyTab => Realm.OtherKeyTab;

    public string GhostKeyTab => Realm.GhostKeyTab;

    public async Task InitializeAsync()
    {
        _realm = await TestKerberosRealm.StartAsync(Path.Combine(Directory, "kdc"));
        var starts = new[]
        {
            SecureZooKeeper.StartKerberosAsync(Path.Combine(Directory, "zk-krb"), _realm.Kdc, _realm.ServerKeyTab),
            SecureZooKeeper.StartAsync(Path.Combine(Directory, "zk-digest"), null, null, new Dictionary<string, string> { ["alice"] = "alice-pw-krb" }),
        };
        try
        {
            await Task.WhenAll(starts);
        }
        finally
        {
            _kerberos = starts[0].IsCompletedSuccessfully ? starts[0].Result : null;
            _digest = starts[1].IsCompletedSuccessfully ? starts[1].Result : null;
        }
    }

    public async Task DisposeAsync()
    {
        foreach (var server in new[] { _kerberos, _digest })
        {
            if (server is not null)
            {
                await server.DisposeAsync();
            }
        }

        _realm?.Dispose();
        _directory.Dispose();
    }
}
