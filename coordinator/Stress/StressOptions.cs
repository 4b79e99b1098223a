namespace ZkMitosis.Coordinator.Stress;

/// <summary>
/// What a stress workload runs against and how hard. Defaults suit a migration rehearsal: 16 sessions each
/// writing one znode every 50 ms.
/// </summary>
public sealed record StressOptions
{
    /// <summary><c>host:port[,host:port…][/chroot]</c>; the chroot (e.g. <c>/kafka</c>) stays for the whole run.</summary>
    public required string ConnectString { get; init; }

    /// <summary>Parent of every run's znodes, as seen through the chroot. Default <c>/zkmitosis-stress</c>.</summary>
    public string BasePath { get; init; } = "/zkmitosis-stress";

    /// <summary>Number of ZooKeeper sessions, each with its own writer and ephemeral. Default 16.</summary>
    public int Sessions { get; init; } = 16;

    /// <summary>Pause after each acknowledged write of one session. Default 50 ms.</summary>
    public TimeSpan WriteInterval { get; init; } = TimeSpan.FromMilliseconds(50);

    /// <summary>TLS and SASL for every session (and the verification); null: plain TCP, no SASL.</summary>
    public ZkMitosis.ZooKeeper.Security.ZooKeeperSecurity? Security { get; init; }

    /// <summary>Session timeout requested from the servers. Default 10 s.</summary>
    public TimeSpan SessionTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Pause between attempts on the next host after a connection loss. Default 50 ms: small, so a gap
    /// measures the servers and not the workload's own back-off.
    /// </summary>
    public TimeSpan ReconnectDelay { get; init; } = TimeSpan.FromMilliseconds(50);

    /// <summary>Bound on one TCP connect and handshake attempt to one host. Default 1 s.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Bound on one write; an unanswered write is retried with the same serial. Default 5 s.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Name of this run under <see cref="BasePath"/>; default <c>run-yyyyMMdd-HHmmss-xxxx</c>.</summary>
    public string? RunName { get; init; }

    internal void Validate()
    {
        if (string.IsNullOrWhiteSpace(ConnectString))
        {
            throw new ArgumentException("the stress connect string is empty", nameof(ConnectString));
        }

        if (Sessions is < 1 or > 1000)
        {
            throw new ArgumentOutOfRangeException(nameof(Sessions), Sessions, "stress sessions must be between 1 and 1000");
        }

        if (!BasePath.StartsWith('/') || (BasePath.Length > 1 && BasePath.EndsWith('/')))
        {
            throw new ArgumentException($"stress base path '{BasePath}' must be absolute and must not end with '/'", nameof(BasePath));
        }

        if (WriteInterval < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(WriteInterval), WriteInterval, "the write interval cannot be negative");
        }
    }
}
