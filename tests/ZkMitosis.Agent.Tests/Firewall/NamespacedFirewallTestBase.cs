using System.Net;
using System.Net.Sockets;
using ZkMitosis.Agent.Tests.Support;
using ZkMitosis.Agent.V1;
using ZkMitosis.Testing;

namespace ZkMitosis.Agent.Tests.Firewall;

/// <summary>
/// Two network namespaces for firewall tests: the agent runs in A (as in the lab), B plays a source node with listeners
/// on its ZooKeeper ports. Gives the agent start, probes from the agent, connections from B, and the rules as the
/// kernel's own tools list them, so the IPv4 and IPv6 tests share one setup.
/// </summary>
public abstract class NamespacedFirewallTestBase : IAsyncLifetime
{
    /// <summary>B's client port listener.</summary>
    protected const int ClientPort = 2181;

    /// <summary>B's election port listener.</summary>
    protected const int ElectionPort = 3888;

    private readonly TestDirectory _directory;
    private readonly string _planId;
    private readonly List<Socket> _listeners = [];
    private NetworkNamespaces? _namespaces;
    private int _operation;

    /// <param name="directoryPrefix">the test directory's prefix (one per class, for leftovers' sake).</param>
    /// <param name="planId">the plan whose lease the tests take and whose contexts <see cref="Next"/> makes.</param>
    protected NamespacedFirewallTestBase(string directoryPrefix, string planId)
    {
        _directory = new TestDirectory(directoryPrefix);
        _planId = planId;
    }

    /// <summary>The namespaces, once <see cref="InitializeAsync"/> made them.</summary>
    protected NetworkNamespaces Namespaces => _namespaces ?? throw new InvalidOperationException("namespaces not created yet");

    /// <summary>The plan id the tests lease.</summary>
    protected string PlanId => _planId;

    /// <summary>The listeners the class needs: namespace, address and port of each.</summary>
    protected abstract IEnumerable<(string Namespace, IPAddress Address, int Port)> Listeners(NetworkNamespaces namespaces);

    /// <inheritdoc/>
    public async Task InitializeAsync()
    {
        _namespaces = await NetworkNamespaces.CreateAsync();
        foreach (var (name, address, port) in Listeners(_namespaces))
        {
            _listeners.Add(NetworkNamespaces.Listen(name, address, port));
        }
    }

    /// <inheritdoc/>
    public async Task DisposeAsync()
    {
        foreach (var listener in _listeners)
        {
            listener.Dispose();
        }

        if (_namespaces is not null)
        {
            await _namespaces.DisposeAsync();
        }

        _directory.Dispose();
    }

    /// <summary>Starts an agent in namespace A with <paramref name="backend"/> (iptables or nftables) as its firewall.</summary>
    protected async Task<AgentProcess> StartAgentAsync(string backend)
    {
        var directory = Path.Combine(_directory.Path, backend + Guid.NewGuid().ToString("N")[..6]);
        Directory.CreateDirectory(directory);
        var zooCfg = Path.Combine(directory, "zoo.cfg");
        await File.WriteAllTextAsync(zooCfg, $"dataDir={Path.Combine(directory, "data")}\nclientPort=2181\n");
        var config = AgentProcess.ZooKeeperConfig(directory, zooCfg, TestPorts.AgentInNamespace, TestPorts.MonitoringInNamespace, listenAddress: Namespaces.AddressA.ToString(), firewallBackend: backend);
        return await AgentProcess.StartAsync(config, directory, Namespaces.A);
    }

    /// <summary>The agent's TCP probes of <paramref name="ports"/> on <paramref name="host"/>, 3 s each.</summary>
    protected static async Task<IReadOnlyList<ProbeResult>> ProbeAsync(ZkMitosis.Agent.V1.Agent.AgentClient client, IPAddress host, params int[] ports)
    {
        var request = new ProbeRequest { Timeout = Google.Protobuf.WellKnownTypes.Duration.FromTimeSpan(TimeSpan.FromSeconds(3)) };
        request.Targets.Add(ports.Select(p => new ProbeTarget { Host = host.ToString(), Port = (uint)p }));
        return (await client.ProbeAsync(request)).Results;
    }

    /// <summary>A TCP connect from namespace B to <paramref name="address"/>:<paramref name="port"/> (5 s bound).</summary>
    protected async Task<SocketError> ConnectFromBAsync(IPAddress address, int port)
    {
        using var socket = NetworkNamespaces.CreateSocket(Namespaces.B, address.AddressFamily);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        try
        {
            await socket.ConnectAsync(address, port, timeout.Token);
            return SocketError.Success;
        }
        catch (SocketException e)
        {
            return e.SocketErrorCode;
        }
        catch (OperationCanceledException)
        {
            return SocketError.TimedOut;
        }
    }

    /// <summary>Our rules in A as the kernel's own tools list them: nft's zkmitosis table (or ""), or the ZKM lines of iptables and ip6tables.</summary>
    protected async Task<string> RawListingAsync(string backend)
    {
        if (backend == "nftables")
        {
            var ruleset = await NetworkNamespaces.ExecAsync(Namespaces.A, "nft", "list", "ruleset");
            return ruleset.Contains("table inet zkmitosis", StringComparison.Ordinal)
                ? (await NetworkNamespaces.ExecAsync(Namespaces.A, "nft", "list", "table", "inet", "zkmitosis")).TrimEnd()
                : "";
        }

        var lines = new List<string>();
        foreach (var tool in new[] { "iptables", "ip6tables" })
        {
            lines.AddRange((await NetworkNamespaces.ExecAsync(Namespaces.A, tool, "-w", "-S")).Split('\n').Where(l => l.Contains("ZKM", StringComparison.Ordinal)));
        }

        return string.Join('\n', lines);
    }

    /// <summary>A fresh mutation context of <see cref="PlanId"/>.</summary>
    protected MutationContext Next() => TestLease.Context(_planId, $"{_planId}-{Interlocked.Increment(ref _operation)}");
}
