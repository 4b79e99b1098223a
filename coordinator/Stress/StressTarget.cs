using ZkMitosis.ZooKeeper.Connection;

namespace ZkMitosis.Coordinator.Stress;

/// <summary>Where a stress run's sessions connect now; a session that expires reconnects to the current hosts.</summary>
internal sealed class StressTarget(ConnectionString connect)
{
    private volatile ConnectionString _connect = connect;

    /// <summary>The hosts alone (no chroot), as a connect string.</summary>
    public string Hosts => (_connect with { Chroot = null }).ToString();

    public string? Chroot { get; } = connect.Chroot;

    public string ConnectString => (_connect with { Chroot = Chroot }).ToString();

    /// <summary>Moves to the hosts of <paramref name="hosts"/>; its chroot is ignored (the run's stays).</summary>
    public void MoveTo(ConnectionString hosts) => _connect = hosts with { Chroot = Chroot };
}
