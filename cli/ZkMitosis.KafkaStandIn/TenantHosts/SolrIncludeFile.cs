using System.Diagnostics;

namespace ZkMitosis.KafkaStandIn.TenantHosts;

/// <summary>
/// Solr's include file: <c>bin/solr</c> sources <c>solr.in.sh</c> with the shell and reads <c>ZK_HOST</c> (hosts and the
/// chroot appended, Solr Reference Guide, "ZooKeeper Ensemble Configuration") and <c>ZK_CLIENT_TIMEOUT</c> (default 30000).
/// The stand-in sources it the same way, with bash, so quoting, <c>export</c> and comments mean what they mean to Solr.
/// </summary>
internal static class SolrIncludeFile
{
    private static readonly TimeSpan ShellTimeout = TimeSpan.FromSeconds(10);

    public static async Task<ProductConnect> ReadAsync(string path, CancellationToken cancellationToken)
    {
        // The path is an argument of the script, never part of it.
        var start = new ProcessStartInfo("/bin/bash") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[] { "-c", ". \"$1\" >/dev/null && printf '%s\\n%s' \"${ZK_HOST-}\" \"${ZK_CLIENT_TIMEOUT-}\"", "solr.in.sh", path })
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new StandInConfigException("cannot run /bin/bash to source " + path);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(ShellTimeout);
        var output = process.StandardOutput.ReadToEndAsync(timeout.Token);
        var error = process.StandardError.ReadToEndAsync(timeout.Token);
        await process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
        if (process.ExitCode != 0)
        {
            throw new StandInConfigException($"sourcing {path} failed (exit {process.ExitCode}): {(await error.ConfigureAwait(false)).Trim()}");
        }

        var lines = (await output.ConfigureAwait(false)).Split('\n');
        var zkHost = lines[0].Trim();
        if (zkHost.Length == 0)
        {
            throw new StandInConfigException($"{path} sets no ZK_HOST (Solr would start standalone, not SolrCloud)");
        }

        var timeoutMs = lines.Length > 1 && int.TryParse(lines[1].Trim(), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var ms) && ms > 0 ? ms : 30000;
        var (hosts, chroot) = ProductConnect.SplitChroot(zkHost);
        return new ProductConnect(hosts, chroot, timeoutMs);
    }
}
