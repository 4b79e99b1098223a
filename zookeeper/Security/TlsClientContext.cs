using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using ZkMitosis.ZooKeeper.Connection;

namespace ZkMitosis.ZooKeeper.Security;

/// <summary>
/// The TLS material of one client, loaded once from <see cref="ZooKeeperTlsOptions"/>, and the handshake every
/// connection makes with it. The server's certificate is checked here rather than by the platform's default
/// policy, so a refusal can name its cause: not chaining to the CA file, expired, or not naming the host.
/// </summary>
internal sealed class TlsClientContext
{
    private readonly X509Certificate2Collection _authorities;
    private readonly SslStreamCertificateContext? _clientCertificate;
    private readonly string _caFile;
    private readonly bool _hostnameVerification;
    private readonly TimeProvider _time;

    private TlsClientContext(X509Certificate2Collection authorities, SslStreamCertificateContext? clientCertificate, string caFile, bool hostnameVerification, TimeProvider time)
    {
        _authorities = authorities;
        _clientCertificate = clientCertificate;
        _caFile = caFile;
        _hostnameVerification = hostnameVerification;
        _time = time;
    }

    /// <summary>
    /// Reads the files of <paramref name="options"/>. Throws <see cref="FileNotFoundException"/> for a missing file
    /// and <see cref="InvalidDataException"/> (naming the file) for one that holds no usable certificate or key.
    /// </summary>
    public static TlsClientContext Load(ZooKeeperTlsOptions options, TimeProvider time)
    {
        Require(options.CaFile, "TLS CA file");
        var authorities = new X509Certificate2Collection();
        try
        {
            authorities.ImportFromPemFile(options.CaFile);
        }
        catch (CryptographicException e)
        {
            throw new InvalidDataException($"TLS CA file {options.CaFile}: {e.Message}", e);
        }

        if (authorities.Count == 0)
        {
            throw new InvalidDataException($"TLS CA file {options.CaFile} holds no PEM certificate");
        }

        SslStreamCertificateContext? client = null;
        if (options.CertificateFile is not null || options.KeyFile is not null)
        {
            if (options.CertificateFile is null || options.KeyFile is null)
            {
                throw new InvalidDataException("a TLS client certificate needs both its certificate file and its key file");
            }

            Require(options.CertificateFile, "TLS client certificate file");
            Require(options.KeyFile, "TLS client key file");
            try
            {
                using var pem = X509Certificate2.CreateFromPemFile(options.CertificateFile, options.KeyFile);
                // A PEM key is ephemeral; exporting to PKCS#12 and back gives SslStream a certificate it can always use.
                var certificate = X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), null);
                client = SslStreamCertificateContext.Create(certificate, additionalCertificates: null, offline: true);
            }
            catch (CryptographicException e)
            {
                throw new InvalidDataException($"TLS client certificate {options.CertificateFile} with key {options.KeyFile}: {e.Message}", e);
            }
        }

        return new TlsClientContext(authorities, client, options.CaFile, options.HostnameVerification, time);
    }

    /// <summary>
    /// Makes the TLS handshake over <paramref name="inner"/> with <paramref name="host"/>. Throws
    /// <see cref="ZooKeeperTlsException"/> naming the cause when it is refused; cancellation propagates.
    /// </summary>
    public async Task<SslStream> AuthenticateAsync(Stream inner, HostEndpoint host, CancellationToken cancellationToken)
    {
        var server = host.ToString();
        (ZooKeeperTlsFailure Failure, string Detail)? refusal = null;
        var ssl = new SslStream(inner, leaveInnerStreamOpen: false);
        var options = new SslClientAuthenticationOptions
        {
            TargetHost = host.Host,
            ClientCertificateContext = _clientCertificate,
            CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
            RemoteCertificateValidationCallback = (_, certificate, chain, _) =>
            {
                refusal = Check(certificate, chain, host.Host);
                return refusal is null;
            },
        };
        try
        {
            await ssl.AuthenticateAsClientAsync(options, cancellationToken).ConfigureAwait(false);
            return ssl;
        }
        catch (Exception e) when (e is AuthenticationException or IOException)
        {
            await ssl.DisposeAsync().ConfigureAwait(false);
            if (refusal is { } known)
            {
                throw new ZooKeeperTlsException(known.Failure, server, known.Detail, e);
            }

            var cause = e.InnerException is { } inner2 ? $"{e.Message} ({inner2.Message})" : e.Message;
            throw new ZooKeeperTlsException(ZooKeeperTlsFailure.Handshake, server,
                $"handshake failed: {cause} (is it the server's secureClientPort, and does it accept this client's certificate?)", e);
        }
        catch
        {
            await ssl.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// The server's refusal hidden in a read that failed on <paramref name="stream"/> before the server's first answer, or
    /// null. Under TLS 1.3 the client's side of the handshake is complete before the server has checked the client's
    /// certificate (RFC 8446 §4.4.2.4: the server's alert for a missing or untrusted one follows the client's Finished),
    /// so a refusal arrives as a TLS alert on the first read instead of failing the handshake. A plain reset or close,
    /// such as a server that is not serving yet closing the connection, is not a TLS alert and gives null.
    /// </summary>
    /// <param name="stream">The connection's stream: an <see cref="SslStream"/> when TLS was negotiated.</param>
    /// <param name="error">What the first read or write after the handshake threw.</param>
    /// <param name="server">"host:port", for the message.</param>
    public static ZooKeeperTlsException? RefusalAfterHandshake(Stream? stream, IOException error, string server)
    {
        if (stream is not SslStream { SslProtocol: SslProtocols.Tls13 })
        {
            return null;
        }

        for (Exception? cause = error; cause is not null; cause = cause.InnerException)
        {
            // OpenSSL names a received alert "... alert NAME" (e.g. "sslv3 alert bad certificate", "tlsv13 alert certificate required").
            var at = cause.Message.IndexOf(" alert ", StringComparison.Ordinal);
            if (at >= 0)
            {
                var alert = cause.Message[(at + " alert ".Length)..].Trim().TrimEnd('.');
                return new ZooKeeperTlsException(ZooKeeperTlsFailure.Handshake, server,
                    $"the server sent the TLS alert '{alert}' right after the TLS 1.3 handshake: it refused this client's certificate (none was given, or the server does not trust its CA)", error);
            }
        }

        return null;
    }

    /// <summary>Null when <paramref name="certificate"/> is acceptable; otherwise the failure and a one-line reason.</summary>
    private (ZooKeeperTlsFailure, string)? Check(X509Certificate? certificate, X509Chain? presented, string host)
    {
        if (certificate is null)
        {
            return (ZooKeeperTlsFailure.Untrusted, "the server sent no certificate");
        }

        using var leaf = X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(_authorities);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.VerificationTime = _time.GetLocalNow().DateTime;
        if (presented is not null)
        {
            // Intermediates the server sent along (ZooKeeper sends its key store's whole chain).
            foreach (var element in presented.ChainElements.Skip(1))
            {
                chain.ChainPolicy.ExtraStore.Add(element.Certificate);
            }
        }

        if (!chain.Build(leaf))
        {
            var now = _time.GetUtcNow().UtcDateTime;
            foreach (var element in chain.ChainElements)
            {
                if (element.ChainElementStatus.Any(s => s.Status.HasFlag(X509ChainStatusFlags.NotTimeValid)))
                {
                    var which = ReferenceEquals(element, chain.ChainElements[0]) ? "the server's certificate" : "a certificate of the server's chain";
                    var when = element.Certificate.NotAfter.ToUniversalTime() < now
                        ? $"expired on {element.Certificate.NotAfter.ToUniversalTime():yyyy-MM-dd HH:mm:ss} UTC"
                        : $"is not valid before {element.Certificate.NotBefore.ToUniversalTime():yyyy-MM-dd HH:mm:ss} UTC";
                    return (ZooKeeperTlsFailure.Expired, $"{which} '{element.Certificate.Subject}' {when}");
                }
            }

            var problems = string.Join(", ", chain.ChainStatus.Select(s => s.Status).Distinct());
            return (ZooKeeperTlsFailure.Untrusted,
                $"the server's certificate '{leaf.Subject}' (issuer '{leaf.Issuer}') is not trusted: it does not chain to a CA in {_caFile} ({problems})");
        }

        if (_hostnameVerification && !leaf.MatchesHostname(host))
        {
            return (ZooKeeperTlsFailure.HostnameMismatch,
                $"the server's certificate '{leaf.Subject}' does not name host '{host}' (it names {Names(leaf)}); check the connect string or turn hostname verification off");
        }

        return null;
    }

    private static string Names(X509Certificate2 certificate)
    {
        var names = certificate.Extensions.OfType<X509SubjectAlternativeNameExtension>()
            .SelectMany(e => e.EnumerateDnsNames().Concat(e.EnumerateIPAddresses().Select(a => a.ToString())))
            .ToList();
        return names.Count == 0 ? "no subject alternative name" : string.Join(", ", names);
    }

    private static void Require(string path, string what)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"{what} {path} does not exist", path);
        }
    }
}
