using System.Globalization;
using System.Net;
using ZkMitosis.Agent.Tests.Support;
using ZkMitosis.Testing;

namespace ZkMitosis.Agent.Tests.Hosting;

/// <summary>An agent started with no MonitoringAddress in its config (the default applies).</summary>
public sealed class DefaultMonitoringAgentFixture : IAsyncLifetime
{
    public TestDirectory Directory { get; } = new("zkat-mon");

    public AgentProcess? Agent { get; private set; }

    public int MonitoringPort { get; } = FreePorts.Next();

    public string StateDirectory => Path.Combine(Directory.Path, "state");

    public async Task InitializeAsync()
    {
        var zooCfg = Path.Combine(Directory.Path, "zoo.cfg");
        await File.WriteAllTextAsync(zooCfg, $"dataDir={Path.Combine(Directory.Path, "data")}\nclientPort={FreePorts.Next()}\n");
        System.IO.Directory.CreateDirectory(StateDirectory);
        var config = AgentProcess.ZooKeeperConfig(Directory.Path, zooCfg, FreePorts.Next(), MonitoringPort);
        config.Remove("MonitoringAddress");
        Agent = await AgentProcess.StartAsync(config, Directory.Path);
    }

    public async Task DisposeAsync()
    {
        if (Agent is not null)
        {
            await Agent.DisposeAsync();
        }

        Directory.Dispose();
    }
}

/// <summary>Issue 11 §6: the unauthenticated monitoring port is local by default, and /readyz writes nothing.</summary>
public sealed class AgentMonitoringTests(DefaultMonitoringAgentFixture fixture) : IClassFixture<DefaultMonitoringAgentFixture>
{
    [Fact]
    public void Monitoring_NoAddressConfigured_ListensOnLoopbackOnly()
    {
        var listeners = ListeningAddresses(fixture.MonitoringPort);

        Assert.Equal([IPAddress.Loopback.ToString()], listeners);
    }

    [Fact]
    public async Task Readyz_Requested_AnswersReadyAndWritesNothing()
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        var before = Snapshot(fixture.StateDirectory);

        for (var i = 0; i < 5; i++)
        {
            using var response = await http.GetAsync(new Uri($"http://127.0.0.1:{fixture.MonitoringPort}/readyz"));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        Assert.Equal(before, Snapshot(fixture.StateDirectory));
    }

    /// <summary>The directory's entries and its change time in ticks: creating and deleting a probe file moves the latter.</summary>
    private static string Snapshot(string directory) =>
        string.Join(",", Directory.GetFileSystemEntries(directory).Order(StringComparer.Ordinal)) + "@" + Directory.GetLastWriteTimeUtc(directory).Ticks.ToString(CultureInfo.InvariantCulture);

    /// <summary>The local addresses of TCP sockets listening on <paramref name="port"/>, from /proc/net/tcp and tcp6.</summary>
    private static List<string> ListeningAddresses(int port)
    {
        var addresses = new List<string>();
        foreach (var table in new[] { "/proc/net/tcp", "/proc/net/tcp6" })
        {
            foreach (var line in File.ReadLines(table).Skip(1))
            {
                var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                var local = fields[1].Split(':');
                if (fields[3] != "0A" || int.Parse(local[1], NumberStyles.HexNumber, CultureInfo.InvariantCulture) != port)
                {
                    continue;
                }

                // /proc prints each 32-bit word of the address in host (little-endian) order.
                var bytes = Convert.FromHexString(local[0]);
                for (var word = 0; word < bytes.Length; word += 4)
                {
                    Array.Reverse(bytes, word, 4);
                }

                addresses.Add(new IPAddress(bytes).ToString());
            }
        }

        return addresses;
    }
}
