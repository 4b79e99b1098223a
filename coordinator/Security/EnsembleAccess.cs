using ZkMitosis.Coordinator.Plans;
using ZkMitosis.ZooKeeper;
using ZkMitosis.ZooKeeper.Security;

namespace ZkMitosis.Coordinator.Security;

/// <summary>
/// How the coordinator's own sessions reach one ensemble of a plan, from its <c>security</c> section: the ports
/// (each server's <c>secureClientPort</c> with TLS), the TLS files and the credentials. The one place a plan's
/// ensemble security becomes client options: the inspector (preflight, baseline, verification, session checks) and
/// the cleanups all connect through it. The credentials file is read at each connect (a rotated file is picked up),
/// with the library's loader (<see cref="ZooKeeperSaslCredentials.FromFile"/>).
/// </summary>
public sealed class EnsembleAccess
{
    private readonly IReadOnlyList<ServerSpec> _servers;

    private EnsembleAccess(string name, IReadOnlyList<ServerSpec> servers, EnsembleSecurity security)
    {
        Name = name;
        _servers = servers;
        Security = security;
    }

    /// <summary>"source" or "destination", for messages.</summary>
    public string Name { get; }

    /// <summary>The plan's security of this ensemble.</summary>
    public EnsembleSecurity Security { get; }

    /// <summary>The source ensemble of <paramref name="plan"/>.</summary>
    public static EnsembleAccess Source(MigrationPlan plan) => new("source", plan.Source, plan.SourceSecurity);

    /// <summary>The destination ensemble of <paramref name="plan"/>.</summary>
    public static EnsembleAccess Destination(MigrationPlan plan) => new("destination", plan.Destination, plan.DestinationSecurity);

    /// <summary>
    /// The ensemble <paramref name="servers"/> (all of them, or some: the followers a baseline reads from) belong to.
    /// </summary>
    /// <exception cref="ArgumentException">They are not all of the source or all of the destination.</exception>
    public static EnsembleAccess Of(MigrationPlan plan, IReadOnlyCollection<ServerSpec> servers)
    {
        var ids = servers.Select(s => s.Id).ToHashSet();
        if (ids.IsSubsetOf(plan.Source.Select(s => s.Id)))
        {
            return Source(plan);
        }

        if (ids.IsSubsetOf(plan.Destination.Select(d => d.Id)))
        {
            return Destination(plan);
        }

        throw new ArgumentException($"servers {string.Join(", ", ids.Order())} are not of one ensemble of plan {plan.PlanId}: a session reaches the source or the destination, each with its own security");
    }

    /// <summary>The connect string of <paramref name="servers"/> (default: every server of the ensemble) on the ports its sessions use, without a chroot.</summary>
    public string Hosts(IEnumerable<ServerSpec>? servers = null) =>
        string.Join(',', (servers ?? _servers).Select(s => s.SessionEndpoint(Security.ClientTls is not null)));

    /// <summary>
    /// TLS and SASL of this ensemble's sessions (digest credentials are added after connecting, by <see cref="ConnectAsync"/>).
    /// </summary>
    /// <exception cref="FileNotFoundException">The credentials file is gone since the plan was validated.</exception>
    /// <exception cref="InvalidDataException">The credentials file no longer gives a user and a password (the message names the file, not the password).</exception>
    public ZooKeeperSecurity ClientSecurity()
    {
        var tls = ClientTlsOptions();
        var sasl = Security.ClientAuth is { Scheme: ClientAuthScheme.Sasl } auth ? ZooKeeperSaslCredentials.FromFile(auth.Credentials) : null;
        return tls is null && sasl is null ? ZooKeeperSecurity.None : new ZooKeeperSecurity(tls, sasl);
    }

    /// <summary>TLS of this ensemble's sessions and four-letter words (<c>security.clientTls</c>), or null: plain TCP.</summary>
    public ZooKeeperTlsOptions? ClientTlsOptions() => Security.ClientTls is { } t
        ? new ZooKeeperTlsOptions { CaFile = t.Ca, CertificateFile = t.Certificate, KeyFile = t.Key, HostnameVerification = t.HostnameVerification }
        : null;

    /// <summary>
    /// Sends the four-letter word <paramref name="command"/> to <paramref name="server"/> on the port this ensemble's
    /// sessions use: with <c>security.clientTls</c>, over TLS to its <c>secureClientPort</c> (ZooKeeper's
    /// <c>NettyServerCnxn</c> answers four-letter words there), so a server that takes TLS clients only is still
    /// observed; without, plain to its <c>clientPort</c>.
    /// </summary>
    /// <param name="server">A server of this ensemble.</param>
    /// <param name="command">Four lower-case letters (<c>srvr</c>, <c>mntr</c>, …).</param>
    /// <param name="timeout">Bound on connect, TLS handshake and reply.</param>
    /// <param name="cancellationToken">Stops the request.</param>
    /// <returns>The raw reply.</returns>
    /// <exception cref="ZkMitosis.ZooKeeper.FourLetterWords.FourLetterWordException">Unreachable, timeout, reply too
    /// large, or the TLS handshake refused (one line naming the certificate problem).</exception>
    /// <exception cref="IOException">A TLS file of the plan is gone since the plan was validated.</exception>
    /// <exception cref="InvalidDataException">A TLS file of the plan holds no usable certificate or key.</exception>
    public Task<string> FourLetterWordAsync(ServerSpec server, string command, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var tls = ClientTlsOptions();
        var address = server.SessionAddress(tls is not null);
        return ZkMitosis.ZooKeeper.FourLetterWords.FourLetterWordClient.SendAsync(address.Host, address.Port, command, tls, timeout, cancellationToken);
    }

    /// <summary><paramref name="options"/> with this ensemble's TLS and SASL.</summary>
    public ZooKeeperClientOptions Apply(ZooKeeperClientOptions options)
    {
        var security = ClientSecurity();
        return new ZooKeeperClientOptions
        {
            SessionTimeout = options.SessionTimeout,
            ConnectTimeout = options.ConnectTimeout,
            RequestTimeout = options.RequestTimeout,
            ReconnectDelay = options.ReconnectDelay,
            MaxFrameBytes = options.MaxFrameBytes,
            MaxReplyFrameBytes = options.MaxReplyFrameBytes,
            CanBeReadOnly = options.CanBeReadOnly,
            TimeProvider = options.TimeProvider,
            Logger = options.Logger,
            Tls = security.Tls,
            Sasl = security.Sasl,
        };
    }

    /// <summary>
    /// Opens a session on <paramref name="servers"/> (default: the whole ensemble) under <paramref name="chroot"/>
    /// ("" for none) with this ensemble's security, and adds its digest credentials when the plan says digest.
    /// Errors are one line naming the ensemble and the cause (TLS, SASL, digest), never the password.
    /// </summary>
    /// <exception cref="EnsembleAccessException">The session could not be made or authenticated.</exception>
    public async Task<ZooKeeperClient> ConnectAsync(string chroot, ZooKeeperClientOptions options, CancellationToken cancellationToken, IEnumerable<ServerSpec>? servers = null)
    {
        var hosts = Hosts(servers);
        ZooKeeperClient client;
        try
        {
            client = await ZooKeeperClient.ConnectAsync(hosts + chroot, Apply(options), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is KeeperException or ZooKeeperTlsException or IOException or InvalidDataException or UnauthorizedAccessException)
        {
            throw new EnsembleAccessException($"{Name} ({hosts}): cannot open a session: {OneLine(e.Message)}{Hint(e)}", e);
        }

        if (Security.ClientAuth is { Scheme: ClientAuthScheme.Digest } digest)
        {
            try
            {
                await client.AddDigestAuthAsync(ZooKeeperSaslCredentials.FromFile(digest.Credentials), cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is KeeperException or IOException or InvalidDataException)
            {
                await client.DisposeAsync().ConfigureAwait(false);
                throw new EnsembleAccessException($"{Name} ({hosts}): addauth digest with {digest.Credentials} failed: {OneLine(e.Message)}", e);
            }
        }

        return client;
    }

    /// <summary>
    /// Runs <paramref name="read"/> on a session of <see cref="ConnectAsync"/>, closed after it. A refusal the plan's
    /// security decides (SASL required, authentication failed, an ACL that does not let the plan's user read) becomes
    /// one line naming the ensemble and the field to check, whichever request met it: a server that requires SASL
    /// closes an unauthenticated session at its first request, not at connect.
    /// </summary>
    /// <exception cref="EnsembleAccessException">The session could not be made, or the server refused it as above.</exception>
    public async Task<T> UseAsync<T>(string chroot, ZooKeeperClientOptions options, Func<ZooKeeperClient, Task<T>> read, CancellationToken cancellationToken, IEnumerable<ServerSpec>? servers = null)
    {
        await using var client = await ConnectAsync(chroot, options, cancellationToken, servers).ConfigureAwait(false);
        try
        {
            return await read(client).ConfigureAwait(false);
        }
        catch (KeeperException e) when (e.Code is KeeperErrorCode.SessionClosedRequireSaslAuth or KeeperErrorCode.AuthFailed or KeeperErrorCode.NoAuth)
        {
            throw new EnsembleAccessException($"{Name} ({Hosts(servers)}): refused: {OneLine(e.Message)}{Hint(e)}", e);
        }
    }

    /// <summary>What the plan may lack, when the server refused for a reason the plan's security section decides.</summary>
    private string Hint(Exception e) => e switch
    {
        ZooKeeperAuthenticationException { Failure: ZooKeeperAuthenticationFailure.SaslRequired } when Security.ClientAuth is null =>
            $" (give {Name}.security.clientAuth with scheme sasl)",
        KeeperException { Code: KeeperErrorCode.NoAuth } =>
            $" (the ACL does not let {(Security.ClientAuth is null ? "an anonymous session" : "the user of " + Name + ".security.clientAuth")} read it)",
        KeeperException { Code: KeeperErrorCode.ConnectionLoss } when Security.ClientTls is null =>
            $" (if the servers take TLS clients only, give {Name}.security.clientTls and each server's secureClientPort)",
        _ => "",
    };

    private static string OneLine(string message) => message.ReplaceLineEndings(" ");
}

/// <summary>A session of the coordinator could not reach or authenticate to an ensemble; the message is one line, without secrets.</summary>
public sealed class EnsembleAccessException(string message, Exception innerException) : Exception(message, innerException);
