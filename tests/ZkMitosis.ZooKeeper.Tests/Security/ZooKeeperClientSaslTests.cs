using Microsoft.Extensions.Logging;
using ZkMitosis.Testing.Security;
using ZkMitosis.ZooKeeper.Security;

namespace ZkMitosis.ZooKeeper.Tests.Security;

/// <summary>
/// SASL DIGEST-MD5 against a real ZooKeeper 3.8 that requires it (<c>zookeeper.sessionRequireClientSASLAuth</c>,
/// users from a JAAS <c>Server</c> section), over plain TCP and over TLS.
/// </summary>
public sealed class ZooKeeperClientSaslTests(SecureServersFixture servers) : IClassFixture<SecureServersFixture>
{
    private static readonly IReadOnlyList<ZooKeeperAcl> AliceOnly = [new(ZooKeeperPermissions.All, "sasl", "alice")];

    private ZooKeeperSaslCredentials Credentials(string user, string password) =>
        ZooKeeperSaslCredentials.FromFile(SecureZooKeeper.WriteJaasClientFile(servers.Directory, user, password));

    [Fact]
    public async Task The_right_password_authenticates_as_sasl_user_and_an_alice_only_node_is_hers_alone()
    {
        await using var alice = await ZooKeeperClient.ConnectAsync(servers.SaslTls.PlainConnectString,
            ZooKeeperClientTlsTests.Options(null, Credentials("alice", SecureServersFixture.AlicePassword)));
        var path = await alice.CreateAsync($"/alice-{Guid.NewGuid():N}", "hers"u8.ToArray(), acl: AliceOnly);
        Assert.Equal("hers"u8.ToArray(), (await alice.GetDataAsync(path)).Data.ToArray());
        var acl = await alice.GetAclAsync(path);
        Assert.Equal(AliceOnly, acl.Acl);

        await using var bob = await ZooKeeperClient.ConnectAsync(servers.SaslTls.PlainConnectString,
            ZooKeeperClientTlsTests.Options(null, Credentials("bob", SecureServersFixture.BobPassword)));
        var refused = await Assert.ThrowsAsync<KeeperException>(() => bob.GetDataAsync(path));
        Assert.Equal(KeeperErrorCode.NoAuth, refused.Code);
    }

    [Fact]
    public async Task A_wrong_password_is_refused_naming_the_user_and_never_the_password()
    {
        const string wrong = "not-alices-Password-9f3";
        var log = new CapturingLogger();
        var options = new ZooKeeperClientOptions
        {
            ConnectTimeout = TimeSpan.FromSeconds(5),
            Sasl = Credentials("alice", wrong),
            Logger = log,
        };
        var e = await Assert.ThrowsAsync<ZooKeeperAuthenticationException>(() => ZooKeeperClient.ConnectAsync(servers.SaslTls.PlainConnectString, options));
        Assert.Equal(ZooKeeperAuthenticationFailure.CredentialsRejected, e.Failure);
        Assert.Contains("'alice'", e.Message, StringComparison.Ordinal);
        Assert.Contains("wrong password", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', e.Message);
        Assert.NotEmpty(log.Lines);
        foreach (var text in log.Lines.Append(e.ToString()))
        {
            Assert.DoesNotContain(wrong, text, StringComparison.Ordinal);
            Assert.DoesNotContain(SecureServersFixture.AlicePassword, text, StringComparison.Ordinal);
        }

        Assert.DoesNotContain(wrong, options.Sasl!.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_credentials_a_server_that_requires_SASL_refuses_the_first_request_and_the_client_stops()
    {
        await using var client = await ZooKeeperClient.ConnectAsync(servers.SaslTls.PlainConnectString, ZooKeeperClientTlsTests.Options(null));
        var e = await Assert.ThrowsAsync<ZooKeeperAuthenticationException>(() => client.GetDataAsync("/"));
        Assert.Equal(ZooKeeperAuthenticationFailure.SaslRequired, e.Failure);
        Assert.Contains("requires SASL", e.Message, StringComparison.Ordinal);
        await Eventually.TrueAsync(() => client.State == ZooKeeperState.AuthFailed, TimeSpan.FromSeconds(10), "the client enters AuthFailed");
        var again = await Assert.ThrowsAsync<ZooKeeperAuthenticationException>(() => client.ExistsAsync("/"));
        Assert.Equal(ZooKeeperAuthenticationFailure.SaslRequired, again.Failure);
    }

    [Fact]
    public async Task SASL_over_TLS_authenticates_and_reauthenticates_after_moving_to_another_server_address()
    {
        var options = ZooKeeperClientTlsTests.Options(servers.TlsFactory.Valid(hostnameVerification: false), Credentials("alice", SecureServersFixture.AlicePassword));
        await using var client = await ZooKeeperClient.ConnectAsync(servers.SaslTls.SecureConnectString, options);
        var path = await client.CreateAsync($"/alice-tls-{Guid.NewGuid():N}", "tls+sasl"u8.ToArray(), acl: AliceOnly);
        var session = client.SessionId;

        // Another address of the same server: the client leaves its connection and opens a new one, which must
        // make its own TLS handshake and SASL exchange (unauthenticated, the server would close the session).
        var moved = new TaskCompletionSource();
        client.StateChanged += change =>
        {
            if (change.Current == ZooKeeperState.Connected && change.Server?.StartsWith("localhost", StringComparison.Ordinal) == true)
            {
                moved.TrySetResult();
            }
        };
        client.UpdateServerList($"localhost:{servers.SaslTls.SecurePort}");
        await moved.Task.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(session, client.SessionId);
        Assert.Equal("tls+sasl"u8.ToArray(), (await client.GetDataAsync(path)).Data.ToArray());
        Assert.StartsWith("localhost", client.ConnectedServer, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Addauth_digest_still_works_beside_SASL()
    {
        await using var client = await ZooKeeperClient.ConnectAsync(servers.SaslTls.PlainConnectString,
            ZooKeeperClientTlsTests.Options(null, Credentials("alice", SecureServersFixture.AlicePassword)));
        await client.AddAuthAsync("digest", "carol:carol-pw"u8.ToArray());
        var path = await client.CreateAsync($"/carol-{Guid.NewGuid():N}", "x"u8.ToArray(), acl: [ZooKeeperAcl.Digest("carol", "carol-pw", ZooKeeperPermissions.All)]);
        Assert.Equal("x"u8.ToArray(), (await client.GetDataAsync(path)).Data.ToArray());
    }

    /// <summary>Every formatted log line and exception text, to check what a failing run writes.</summary>
    private sealed class CapturingLogger : ILogger
    {
        private readonly List<string> _lines = [];

        public IReadOnlyList<string> Lines
        {
            get
            {
                lock (_lines)
                {
                    return [.. _lines];
                }
            }
        }

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            lock (_lines)
            {
                _lines.Add(formatter(state, exception) + " " + exception);
            }
        }
    }
}
