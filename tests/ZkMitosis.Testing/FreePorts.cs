using System.Net;
using System.Net.Sockets;

namespace ZkMitosis.Testing;

/// <summary>Free TCP ports on 127.0.0.1, handed out once each per test run so parallel fixtures never collide.</summary>
public static class FreePorts
{
    private static readonly HashSet<int> Given = [];
    private static readonly Lock Gate = new();

    public static int Next()
    {
        lock (Gate)
        {
            for (var attempt = 0; attempt < 100; attempt++)
            {
                using var listener = new TcpListener(IPAddress.Loopback, 0);
                listener.Start();
                var port = ((IPEndPoint)listener.LocalEndpoint).Port;
                listener.Stop();
                if (Given.Add(port))
                {
                    return port;
                }
            }

            throw new InvalidOperationException("no free port found on 127.0.0.1 after 100 tries");
        }
    }
}
