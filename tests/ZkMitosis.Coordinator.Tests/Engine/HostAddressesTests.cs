using System.Net;
using System.Net.Sockets;
using ZkMitosis.Coordinator.Engine;

namespace ZkMitosis.Coordinator.Tests.Engine;

public sealed class HostAddressesTests
{
    [Fact]
    public async Task ResolveAsync_NameInTheHostsFile_ItsAddressesBySystemResolver()
    {
        // localhost is in every /etc/hosts: resolved on this machine, never off it.
        var resolved = await HostAddresses.ResolveAsync(["localhost", "10.0.0.1", "fd00:0::11", "localhost"], Dns.GetHostAddressesAsync, CancellationToken.None);

        Assert.Equal(["10.0.0.1", "fd00:0::11", "localhost"], resolved.Keys);
        Assert.Contains("127.0.0.1", resolved["localhost"]);
        Assert.Equal(["10.0.0.1"], resolved["10.0.0.1"]);
        Assert.Equal(["fd00::11"], resolved["fd00:0::11"]);
    }

    [Fact]
    public async Task ResolveAsync_LookupFails_EmptyAndNamedAsAProblem()
    {
        // A failed lookup as the resolver reports it (an unknown name would otherwise be asked of DNS, off this machine).
        var resolved = await HostAddresses.ResolveAsync(["zk9.lab", "10.0.0.1"],
            (_, _) => Task.FromException<IPAddress[]>(new SocketException((int)SocketError.HostNotFound)), CancellationToken.None);

        Assert.Empty(resolved["zk9.lab"]);
        Assert.Equal(["source server 9: host name 'zk9.lab' resolves to no address on the coordinator"], HostAddresses.Unresolved(resolved, _ => "source server 9"));
    }
}
