using System.ComponentModel;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace ZkMitosis.Agent.Tests.Support;

/// <summary>
/// Two network namespaces joined by a veth pair, named <c>zkat-HEX-a</c> / <c>zkat-HEX-b</c>, with addresses in a random
/// /24 of 10.252.0.0/16 and a /64 of ULA fd00:0:0:fc00::/56 (no duplicate address detection, so they are usable at
/// once). Deleting the namespaces removes the links and every firewall rule made inside them. Sockets can
/// be opened inside either namespace from the test process (a short-lived thread joins the namespace with setns).
/// </summary>
public sealed partial class NetworkNamespaces : IAsyncDisposable
{
    private const int CloneNewNet = 0x40000000;

    private NetworkNamespaces(string a, string b, IPAddress addressA, IPAddress addressB, IPAddress addressA6, IPAddress addressB6)
    {
        A = a;
        B = b;
        AddressA = addressA;
        AddressB = addressB;
        AddressA6 = addressA6;
        AddressB6 = addressB6;
    }

    public string A { get; }

    public string B { get; }

    public IPAddress AddressA { get; }

    public IPAddress AddressB { get; }

    /// <summary>A's IPv6 address (ULA).</summary>
    public IPAddress AddressA6 { get; }

    /// <summary>B's IPv6 address (ULA).</summary>
    public IPAddress AddressB6 { get; }

    public static async Task<NetworkNamespaces> CreateAsync()
    {
        RequireRoot();
        var suffix = Convert.ToHexStringLower(Guid.NewGuid().ToByteArray())[..6];
        var subnet = Random.Shared.Next(1, 255);
        var a = $"zkat-{suffix}-a";
        var b = $"zkat-{suffix}-b";
        var spaces = new NetworkNamespaces(a, b, IPAddress.Parse($"10.252.{subnet}.1"), IPAddress.Parse($"10.252.{subnet}.2"),
            IPAddress.Parse($"fd00:0:0:fc{subnet:x2}::1"), IPAddress.Parse($"fd00:0:0:fc{subnet:x2}::2"));
        try
        {
            await RunAsync("ip", "netns", "add", a).ConfigureAwait(false);
            await RunAsync("ip", "netns", "add", b).ConfigureAwait(false);
            // veth names at most 15 characters; created straight into the namespaces, never in the root one.
            await RunAsync("ip", "link", "add", $"zkat{suffix}a", "netns", a, "type", "veth", "peer", "name", $"zkat{suffix}b", "netns", b).ConfigureAwait(false);
            foreach (var (ns, link, address, address6) in new[] { (a, $"zkat{suffix}a", spaces.AddressA, spaces.AddressA6), (b, $"zkat{suffix}b", spaces.AddressB, spaces.AddressB6) })
            {
                await RunAsync("ip", "-n", ns, "addr", "add", $"{address}/24", "dev", link).ConfigureAwait(false);
                await RunAsync("ip", "-n", ns, "addr", "add", $"{address6}/64", "dev", link, "nodad").ConfigureAwait(false);
                await RunAsync("ip", "-n", ns, "link", "set", link, "up").ConfigureAwait(false);
                await RunAsync("ip", "-n", ns, "link", "set", "lo", "up").ConfigureAwait(false);
            }

            return spaces;
        }
        catch
        {
            await spaces.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>A TCP socket that lives in <paramref name="ns"/> (bind/listen/connect then work from any thread).</summary>
    public static Socket CreateSocket(string ns, AddressFamily family = AddressFamily.InterNetwork)
    {
        Socket? socket = null;
        Exception? failure = null;
        // A fresh thread joins the namespace and ends: no pooled thread is ever left in another namespace.
        var thread = new Thread(() =>
        {
            try
            {
                using var handle = File.OpenHandle($"/var/run/netns/{ns}", FileMode.Open, FileAccess.Read);
                if (SetNs((int)handle.DangerousGetHandle(), CloneNewNet) != 0)
                {
                    throw new Win32Exception(Marshal.GetLastPInvokeError(), $"setns into {ns} failed");
                }

                socket = new Socket(family, SocketType.Stream, ProtocolType.Tcp);
            }
            catch (Exception e)
            {
                failure = e;
            }
        });
        thread.Start();
        thread.Join();
        return failure is null ? socket! : throw new InvalidOperationException($"could not open a socket in namespace {ns}", failure);
    }

    /// <summary>A listener on <paramref name="address"/>:<paramref name="port"/> inside <paramref name="ns"/> that accepts and closes connections.</summary>
    public static Socket Listen(string ns, IPAddress address, int port)
    {
        var socket = CreateSocket(ns, address.AddressFamily);
        socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        socket.Bind(new IPEndPoint(address, port));
        socket.Listen(64);
        _ = Task.Run(async () =>
        {
            try
            {
                while (true)
                {
                    using var accepted = await socket.AcceptAsync().ConfigureAwait(false);
                }
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                // Listener closed by the test.
            }
        });
        return socket;
    }

    /// <summary>Runs a command inside <paramref name="ns"/> and returns its output; fails with its stderr.</summary>
    public static Task<string> ExecAsync(string ns, params string[] command) => RunAsync(["ip", "netns", "exec", ns, .. command]);

    public async ValueTask DisposeAsync()
    {
        foreach (var ns in new[] { A, B })
        {
            try
            {
                await RunAsync("ip", "netns", "del", ns).ConfigureAwait(false);
            }
            catch (InvalidOperationException)
            {
                // Not created (setup failed half way).
            }
        }
    }

    public static void RequireRoot()
    {
        if (Environment.UserName != "root" && GetEuid() != 0)
        {
            throw new InvalidOperationException("these tests create network namespaces and firewall rules: run them as root (sudo ./zkm test)");
        }

        foreach (var tool in new[] { "/usr/sbin/ip", "/usr/sbin/iptables", "/usr/sbin/nft" })
        {
            if (!File.Exists(tool) && !File.Exists(tool.Replace("/usr/sbin", "/sbin", StringComparison.Ordinal)))
            {
                throw new InvalidOperationException($"{tool} is missing; install it with: apt-get install -y iproute2 iptables nftables");
            }
        }
    }

    public static Task<string> RunAsync(params string[] command) => RunAsync(TimeSpan.FromSeconds(30), command);

    /// <summary>Runs <paramref name="command"/>; kills it (by its pid) and fails naming it if it outlasts <paramref name="timeout"/>.</summary>
    public static async Task<string> RunAsync(TimeSpan timeout, params string[] command)
    {
        var startInfo = new ProcessStartInfo(command[0]) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in command[1..])
        {
            startInfo.ArgumentList.Add(argument);
        }

        using var process = Process.Start(startInfo)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(deadline.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"'{string.Join(' ', command)}' did not finish within {timeout.TotalSeconds:0} s");
        }

        return process.ExitCode == 0
            ? await output.ConfigureAwait(false)
            : throw new InvalidOperationException($"'{string.Join(' ', command)}' exited with {process.ExitCode}: {await error.ConfigureAwait(false)}");
    }

    [LibraryImport("libc", EntryPoint = "setns", SetLastError = true)]
    private static partial int SetNs(int fd, int nstype);

    [LibraryImport("libc", EntryPoint = "geteuid")]
    private static partial uint GetEuid();
}
