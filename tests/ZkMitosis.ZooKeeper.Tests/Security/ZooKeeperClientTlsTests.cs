using ZkMitosis.ZooKeeper.Security;

namespace ZkMitosis.ZooKeeper.Tests.Security;

/// <summary>TLS on the client connection against real ZooKeeper 3.8 servers (Netty, secureClientPort, PEM stores).</summary>
public sealed class ZooKeeperClientTlsTests(SecureServersFixture servers) : IClassFixture<SecureServersFixture>
{
    internal static ZooKeeperClientOptions Options(ZooKeeperTlsOptions? tls, ZooKeeperSaslCredentials? sasl = null) => new()
    {
        SessionTimeout = TimeSpan.FromSeconds(10),
        ConnectTimeout = TimeSpan.FromSeconds(5),
        RequestTimeout = TimeSpan.FromSeconds(30),
        Tls = tls,
        Sasl = sasl,
    };

    [Fact]
    public async Task A_valid_certificate_chain_gives_a_working_session()
    {
        await using var client = await ZooKeeperClient.ConnectAsync(servers.Tls.SecureConnectString, Options(servers.TlsFactory.Valid()));
        var path = await client.CreateAsync($"/tls-{Guid.NewGuid():N}", "over tls"u8.ToArray());
        var read = await client.GetDataAsync(path);
        Assert.Equal("over tls"u8.ToArray(), read.Data.ToArray());
        Assert.Equal(ZooKeeperState.Connected, client.State);
    }

    [Fact]
    public async Task A_server_certificate_from_another_CA_is_refused_as_untrusted()
    {
        var e = await Assert.ThrowsAsync<ZooKeeperTlsException>(() =>
            ZooKeeperClient.ConnectAsync(servers.Tls.SecureConnectString, Options(servers.TlsFactory.Valid(caFile: servers.Pki.OtherCaFile))));
        Assert.Equal(ZooKeeperTlsFailure.Untrusted, e.Failure);
        Assert.Contains("not trusted", e.Message, StringComparison.Ordinal);
        Assert.Contains(servers.Pki.OtherCaFile, e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', e.Message);
    }

    /// <summary>
    /// Over TLS 1.3 a server's refusal of the client's certificate follows the handshake; the session attempt ends
    /// with a TLS error naming it (no retry heals it), not a ConnectionLoss after the whole connect timeout.
    /// </summary>
    [Fact]
    public async Task Over_TLS_1_3_a_refused_client_certificate_is_a_TLS_error_naming_it()
    {
        // The server's first TLS 1.3 handshake is slow on a cold JVM: a generous bound for the good session first.
        var warm = new ZooKeeperClientOptions { ConnectTimeout = TimeSpan.FromSeconds(30), Tls = servers.TlsFactory.Valid() };
        await using (var client = await ZooKeeperClient.ConnectAsync(servers.Tls13.SecureConnectString, warm))
        {
            Assert.NotNull(await client.ExistsAsync("/"));
        }

        var e = await Assert.ThrowsAsync<ZooKeeperTlsException>(() =>
            ZooKeeperClient.ConnectAsync(servers.Tls13.SecureConnectString, Options(servers.TlsFactory.WithoutClientCertificate())));
        Assert.Equal(ZooKeeperTlsFailure.Handshake, e.Failure);
        Assert.Contains("refused this client's certificate", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public async Task An_expired_server_certificate_is_refused_as_expired()
    {
        var e = await Assert.ThrowsAsync<ZooKeeperTlsException>(() =>
            ZooKeeperClient.ConnectAsync(servers.Expired.SecureConnectString, Options(servers.TlsFactory.Valid())));
        Assert.Equal(ZooKeeperTlsFailure.Expired, e.Failure);
        Assert.Contains("expired on", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_certificate_that_does_not_name_the_host_is_refused_and_accepted_with_verification_off()
    {
        // The server's certificate names IP 127.0.0.1 only; "localhost" reaches the same server under another name.
        var byName = $"localhost:{servers.Tls.SecurePort}";
        var e = await Assert.ThrowsAsync<ZooKeeperTlsException>(() => ZooKeeperClient.ConnectAsync(byName, Options(servers.TlsFactory.Valid())));
        Assert.Equal(ZooKeeperTlsFailure.HostnameMismatch, e.Failure);
        Assert.Contains("does not name host 'localhost'", e.Message, StringComparison.Ordinal);

        await using var client = await ZooKeeperClient.ConnectAsync(byName, Options(servers.TlsFactory.Valid(hostnameVerification: false)));
        Assert.NotNull(await client.ExistsAsync("/"));
    }
}
