namespace ZkMitosis.Coordinator.Stress;

/// <summary>Where a stress run's sessions connect now; a session that expires reconnects to the current hosts.</summary>
internal sealed class StressTarget(string hosts, string? chroot)
{
    private volatile string _hosts = hosts;

    public string Hosts
    {
        get => _hosts;
        set => _hosts = value;
    }

    public string? Chroot { get; } = chroot;

    public string ConnectString => ConnectStrings.Join(_hosts, Chroot);
}
