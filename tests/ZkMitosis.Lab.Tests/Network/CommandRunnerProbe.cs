using ZkMitosis.Lab.Network;

namespace ZkMitosis.Lab.Tests.Network;

/// <summary>How a TCP connect from inside a namespace ends: "connected", "refused" (RST) or "timeout" (dropped).</summary>
internal static class CommandRunnerProbe
{
    public static async Task<string> ConnectOutcomeAsync(string namespaceName, string address, int port)
    {
        var result = await CommandRunner.RunAsync("ip", ["netns", "exec", namespaceName, "timeout", "3", "bash", "-c", $"exec 3<>/dev/tcp/{address}/{port}"]);
        return result.ExitCode switch
        {
            0 => "connected",
            124 => "timeout",
            _ when result.StandardError.Contains("refused", StringComparison.OrdinalIgnoreCase) => "refused",
            _ => $"exit {result.ExitCode}: {result.StandardError.Trim()}",
        };
    }
}
