using ZkMitosis.Lab.Manifest;
using ZkMitosis.Lab.Network;

namespace ZkMitosis.Lab.Services;

/// <summary>Runs the lab's service script for one service on one host, inside the host's namespace.</summary>
public static class ServiceControl
{
    /// <summary>Bound on one script run: a stop waits up to the service's grace (10 s) plus a SIGKILL.</summary>
    public static readonly TimeSpan ScriptTimeout = TimeSpan.FromSeconds(30);

    public static async Task StartAsync(string script, LabHost host, string service, CancellationToken cancellationToken) =>
        await RunCheckedAsync(script, host, "start", service, cancellationToken).ConfigureAwait(false);

    public static async Task StopAsync(string script, LabHost host, string service, CancellationToken cancellationToken) =>
        await RunCheckedAsync(script, host, "stop", service, cancellationToken).ConfigureAwait(false);

    /// <summary>SIGKILL: to its clients and peers the service crashed.</summary>
    public static async Task KillAsync(string script, LabHost host, string service, CancellationToken cancellationToken) =>
        await RunCheckedAsync(script, host, "kill", service, cancellationToken).ConfigureAwait(false);

    /// <summary>True when the service runs (script exit 0); false when it does not (exit 3) or is not installed.</summary>
    public static async Task<bool> IsRunningAsync(string script, LabHost host, string service, CancellationToken cancellationToken)
    {
        if (!File.Exists(host.Layout.ServiceEnvironment(service)))
        {
            return false;
        }

        var result = await CommandRunner.RunAsync("ip", ["netns", "exec", host.Namespace, script, "status", service, host.Directory], ScriptTimeout, cancellationToken).ConfigureAwait(false);
        return result.ExitCode == 0;
    }

    /// <summary>The service's pid from its pid file, or 0.</summary>
    public static int ReadPid(LabHost host, string service)
    {
        try
        {
            return int.TryParse(File.ReadAllText(host.Layout.PidFile(service)).Trim(), out var pid) ? pid : 0;
        }
        catch (IOException)
        {
            return 0;
        }
    }

    private static async Task RunCheckedAsync(string script, LabHost host, string action, string service, CancellationToken cancellationToken)
    {
        var result = await CommandRunner.RunAsync("ip", ["netns", "exec", host.Namespace, script, action, service, host.Directory], ScriptTimeout, cancellationToken).ConfigureAwait(false);
        if (!result.Succeeded)
        {
            throw new LabException($"{action} {service} on {host.Name} failed (exit {result.ExitCode}): {(result.StandardError + result.StandardOutput).Trim()}");
        }
    }
}
