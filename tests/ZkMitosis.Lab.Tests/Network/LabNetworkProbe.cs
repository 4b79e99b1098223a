using ZkMitosis.Lab.Network;

namespace ZkMitosis.Lab.Tests.Network;

/// <summary>TCP reachability as seen from inside a lab host's namespace.</summary>
internal static class LabNetworkProbe
{
    /// <summary>True when a TCP connection from <paramref name="namespaceName"/> to address:port opens within 3 s.</summary>
    public static async Task<bool> CanConnectAsync(string namespaceName, string address, int port)
    {
        var result = await CommandRunner.RunAsync("ip", ["netns", "exec", namespaceName, "timeout", "3", "bash", "-c", $"exec 3<>/dev/tcp/{address}/{port}"]);
        return result.ExitCode == 0;
    }
}
