namespace ZkMitosis.Testing.Security;

/// <summary>
/// The realm every Kerberos test uses: a started <see cref="TestKdc"/> with principals <c>zookeeper/localhost</c>
/// (the server's), <c>kafka/localhost</c>, <c>other/localhost</c> and <c>ghost/localhost</c> (deleted after its keytab
/// was made: the KDC no longer knows it). The test process's native <c>KRB5_CONFIG</c> then names the KDC's krb5.conf,
/// as an operator's environment would; one realm per test process may do so.
/// </summary>
public sealed class TestKerberosRealm : IDisposable
{
    private TestKerberosRealm(TestKdc kdc) => Kdc = kdc;

    /// <summary>The running KDC.</summary>
    public TestKdc Kdc { get; }

    /// <summary>Keytab of the server principal <c>zookeeper/localhost</c>.</summary>
    public string ServerKeyTab { get; private set; } = null!;

    /// <summary>Keytab of <c>kafka/localhost</c>.</summary>
    public string KafkaKeyTab { get; private set; } = null!;

    /// <summary>Keytab of <c>other/localhost</c>.</summary>
    public string OtherKeyTab { get; private set; } = null!;

    /// <summary>Keytab of <c>ghost/localhost</c>, a principal the KDC no longer knows.</summary>
    public string GhostKeyTab { get; private set; } = null!;

    /// <summary>Starts the KDC in <paramref name="directory"/> and adds the principals; the KDC is stopped again if that fails.</summary>
    public static async Task<TestKerberosRealm> StartAsync(string directory)
    {
        var realm = new TestKerberosRealm(await TestKdc.StartAsync(directory).ConfigureAwait(false));
        try
        {
            NativeEnvironment.Set("KRB5_CONFIG", realm.Kdc.Krb5ConfigFile);
            realm.ServerKeyTab = await realm.Kdc.AddPrincipalAsync("zookeeper/localhost").ConfigureAwait(false);
            realm.KafkaKeyTab = await realm.Kdc.AddPrincipalAsync("kafka/localhost").ConfigureAwait(false);
            realm.OtherKeyTab = await realm.Kdc.AddPrincipalAsync("other/localhost").ConfigureAwait(false);
            realm.GhostKeyTab = await realm.Kdc.AddPrincipalAsync("ghost/localhost").ConfigureAwait(false);
            await realm.Kdc.DeletePrincipalAsync("ghost/localhost").ConfigureAwait(false);
            return realm;
        }
        catch
        {
            realm.Dispose();
            throw;
        }
    }

    /// <summary>Stops the KDC.</summary>
    public void Dispose() => Kdc.Dispose();
}
