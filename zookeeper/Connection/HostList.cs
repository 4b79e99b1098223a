namespace ZkMitosis.ZooKeeper.Connection;

/// <summary>The servers of the connection string in a shuffled order, handed out round-robin.</summary>
internal sealed class HostList
{
    private readonly Lock _gate = new();
    private HostEndpoint[] _hosts;
    private int _next;

    public HostList(IReadOnlyList<HostEndpoint> hosts)
    {
        _hosts = Shuffle(hosts);
    }

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _hosts.Length;
            }
        }
    }

    public HostEndpoint Next()
    {
        lock (_gate)
        {
            var host = _hosts[_next % _hosts.Length];
            _next = (_next + 1) % _hosts.Length;
            return host;
        }
    }

    public bool Contains(string? server)
    {
        lock (_gate)
        {
            return server is not null && _hosts.Any(h => string.Equals(h.ToString(), server, StringComparison.OrdinalIgnoreCase));
        }
    }

    public void Replace(IReadOnlyList<HostEndpoint> hosts)
    {
        lock (_gate)
        {
            _hosts = Shuffle(hosts);
            _next = 0;
        }
    }

    private static HostEndpoint[] Shuffle(IReadOnlyList<HostEndpoint> hosts)
    {
        var copy = hosts.Distinct().ToArray();
        Random.Shared.Shuffle(copy);
        return copy;
    }
}
