using System.Diagnostics;
using ZkMitosis.ZooKeeper.Connection;
using ZkMitosis.ZooKeeper.FourLetterWords;
using ZkMitosis.ZooKeeper.Security;

namespace ZkMitosis.ZooKeeper.Tests.Security;

/// <summary>
/// Four-letter words on a real ZooKeeper 3.8's TLS client port (<c>secureClientPort</c>, Netty): the fixture's servers
/// also keep a plain <c>clientPort</c>, so every request here names the secure port explicitly.
/// </summary>
public sealed class FourLetterWordTlsTests(SecureServersFixture servers) : IClassFixture<SecureServersFixture>
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(5);

    private int SecurePort => servers.Tls.SecurePort;

    private static string Single(FourLetterWordException e)
    {
        Assert.DoesNotContain('\n', e.Message);
        return e.Message;
    }

    [Fact]
    public async Task Srvr_and_mntr_over_TLS_on_the_secure_port_parse_the_mode()
    {
        var srvr = await FourLetterWordQueries.SrvrAsync("127.0.0.1", SecurePort, servers.TlsFactory.Valid(), Bound);
        Assert.Equal(ZooKeeperServerMode.Standalone, srvr.Mode);
        Assert.StartsWith("3.8", srvr.Version, StringComparison.Ordinal);

        var mntr = await FourLetterWordQueries.MntrAsync("127.0.0.1", SecurePort, servers.TlsFactory.Valid(), Bound);
        Assert.Equal(ZooKeeperServerMode.Standalone, mntr.Mode);
        Assert.True(mntr.ZnodeCount > 0, string.Join(", ", mntr.Values));

        Assert.True(await FourLetterWordQueries.RuokAsync("127.0.0.1", SecurePort, servers.TlsFactory.Valid(), Bound));
        var conf = await FourLetterWordClient.SendAsync("127.0.0.1", SecurePort, "conf", servers.TlsFactory.Valid(), Bound);
        Assert.Contains($"secureClientPort={SecurePort}", conf, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_server_certificate_from_another_CA_is_a_four_letter_word_error_naming_the_certificate_problem()
    {
        var e = await Assert.ThrowsAsync<FourLetterWordException>(() =>
            FourLetterWordQueries.SrvrAsync("127.0.0.1", SecurePort, servers.TlsFactory.Valid(caFile: servers.Pki.OtherCaFile), Bound));
        Assert.Equal(FourLetterWordFailure.Tls, e.Failure);
        Assert.Equal(ZooKeeperTlsFailure.Untrusted, Assert.IsType<ZooKeeperTlsException>(e.InnerException).Failure);
        var line = Single(e);
        Assert.StartsWith($"'srvr' to 127.0.0.1:{SecurePort}: TLS failed: ", line, StringComparison.Ordinal);
        Assert.Contains("not trusted", line, StringComparison.Ordinal);
        Assert.Contains(servers.Pki.OtherCaFile, line, StringComparison.Ordinal);
    }

    /// <summary>
    /// A TLS 1.3 server refuses a client without a certificate only after the client's handshake completed: the
    /// alert on the first read is a TLS error naming the client certificate, not an unreachable server.
    /// </summary>
    [Fact]
    public async Task Over_TLS_1_3_a_refused_client_certificate_is_a_TLS_error_not_an_unreachable_server()
    {
        // The server's first TLS 1.3 handshake is slow on a cold JVM: a generous bound, and a good one first.
        var bound = TimeSpan.FromSeconds(30);
        var port = servers.Tls13.SecurePort;
        Assert.NotNull(await FourLetterWordQueries.SrvrAsync("127.0.0.1", port, servers.TlsFactory.Valid(), bound));

        var e = await Assert.ThrowsAsync<FourLetterWordException>(() =>
            FourLetterWordQueries.SrvrAsync("127.0.0.1", port, servers.TlsFactory.WithoutClientCertificate(), bound));
        Assert.Equal(FourLetterWordFailure.Tls, e.Failure);
        var line = Single(e);
        Assert.StartsWith($"'srvr' to 127.0.0.1:{port}: TLS failed: ", line, StringComparison.Ordinal);
        Assert.Contains("refused this client's certificate", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_expired_server_certificate_is_refused_as_expired()
    {
        var e = await Assert.ThrowsAsync<FourLetterWordException>(() =>
            FourLetterWordQueries.MntrAsync("127.0.0.1", servers.Expired.SecurePort, servers.TlsFactory.Valid(), Bound));
        Assert.Equal(FourLetterWordFailure.Tls, e.Failure);
        Assert.Contains("expired on", Single(e), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_certificate_that_does_not_name_the_host_is_refused_and_accepted_with_verification_off()
    {
        // The server's certificate names IP 127.0.0.1 only; "localhost" reaches the same server under another name.
        var e = await Assert.ThrowsAsync<FourLetterWordException>(() =>
            FourLetterWordQueries.SrvrAsync("localhost", SecurePort, servers.TlsFactory.Valid(), Bound));
        Assert.Equal(FourLetterWordFailure.Tls, e.Failure);
        Assert.Equal(ZooKeeperTlsFailure.HostnameMismatch, Assert.IsType<ZooKeeperTlsException>(e.InnerException).Failure);
        Assert.Contains("does not name host 'localhost'", Single(e), StringComparison.Ordinal);

        var srvr = await FourLetterWordQueries.SrvrAsync("localhost", SecurePort, servers.TlsFactory.Valid(hostnameVerification: false), Bound);
        Assert.Equal(ZooKeeperServerMode.Standalone, srvr.Mode);
    }

    [Fact]
    public async Task A_plain_four_letter_word_to_the_secure_port_fails_within_its_bound_and_says_why()
    {
        var limit = TimeSpan.FromSeconds(1);
        var clock = Stopwatch.StartNew();
        var e = await Assert.ThrowsAsync<FourLetterWordException>(() => FourLetterWordQueries.SrvrAsync("127.0.0.1", SecurePort, limit));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(4), $"took {clock.Elapsed}");
        Assert.Equal(FourLetterWordFailure.Timeout, e.Failure);
        Assert.Contains("secureClientPort", Single(e), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TLS_to_the_plain_client_port_fails_within_its_bound_as_a_TLS_error()
    {
        var plain = HostEndpoint.ParseWithPort(servers.Tls.PlainConnectString);
        var clock = Stopwatch.StartNew();
        var e = await Assert.ThrowsAsync<FourLetterWordException>(() =>
            FourLetterWordQueries.SrvrAsync(plain.Host, plain.Port, servers.TlsFactory.Valid(), TimeSpan.FromSeconds(2)));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"took {clock.Elapsed}");
        Assert.True(e.Failure is FourLetterWordFailure.Tls or FourLetterWordFailure.Timeout, e.ToString());
        Single(e);
    }

    [Fact]
    public async Task A_missing_CA_file_is_refused_before_connecting()
    {
        var missing = Path.Combine(servers.Directory, "absent-ca.pem");
        var e = await Assert.ThrowsAsync<FileNotFoundException>(() =>
            FourLetterWordClient.SendAsync("127.0.0.1", SecurePort, "srvr", servers.TlsFactory.Valid(caFile: missing), Bound));
        Assert.Contains(missing, e.Message, StringComparison.Ordinal);
    }
}
