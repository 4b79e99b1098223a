using System.Diagnostics;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using ZkMitosis.Lab.Manifest;
using ZkMitosis.Lab.Network;
using ZkMitosis.Lab.Servers;

namespace ZkMitosis.Lab;

/// <summary>What <c>lab down</c> removed.</summary>
public sealed record LabDownReport(int Namespaces, int Links, int Processes, bool DirectoryRemoved, TimeSpan Elapsed);

/// <summary>
/// <c>lab down</c>: removes every process, namespace (and with it every firewall rule inside), link, bridge
/// and directory of a lab. Works from the manifest and, because a crash may have happened before the
/// manifest knew everything, also from discovery by the lab's name prefix. Idempotent.
/// </summary>
public static partial class LabTeardown
{
    /// <summary>Bound on the lab's processes disappearing after SIGKILL.</summary>
    public static readonly TimeSpan KillWait = TimeSpan.FromSeconds(5);

    /// <summary>Down the lab named <paramref name="name"/> whose files are in <paramref name="directory"/> (default place when null).</summary>
    public static Task<LabDownReport> DownAsync(string name, string? directory = null, ILogger? logger = null, CancellationToken cancellationToken = default)
    {
        var labDirectory = directory ?? LabSpec.DefaultDirectory(name);
        var manifest = LabManifest.TryLoad(labDirectory);
        var prefix = manifest?.Prefix ?? $"zkm-{name}-";
        return DownAsync(manifest, prefix, labDirectory, logger, cancellationToken);
    }

    /// <summary>
    /// Removes what <paramref name="manifest"/> lists plus everything whose name starts with <paramref name="prefix"/>,
    /// then <paramref name="directory"/> when it is a lab directory.
    /// </summary>
    public static async Task<LabDownReport> DownAsync(LabManifest? manifest, string prefix, string? directory, ILogger? logger = null, CancellationToken cancellationToken = default)
    {
        logger ??= NullLogger.Instance;
        if (!SafePrefix().IsMatch(prefix))
        {
            throw new LabException($"refusing to remove by prefix '{prefix}': a lab prefix is 4–12 characters of a-z, 0-9 and '-', ending with '-'");
        }

        var stopwatch = Stopwatch.StartNew();
        var namespaces = new HashSet<string>(StringComparer.Ordinal);
        foreach (var host in manifest?.Hosts ?? [])
        {
            namespaces.Add(host.Namespace);
        }

        var existingNamespaces = await IpCommands.ListNamespacesAsync(cancellationToken).ConfigureAwait(false);
        namespaces.UnionWith(existingNamespaces.Where(n => n.StartsWith(prefix, StringComparison.Ordinal)));
        namespaces.IntersectWith(existingNamespaces);

        var processes = await StopProcessesAsync(namespaces, cancellationToken).ConfigureAwait(false);
        await Task.WhenAll(namespaces.Select(n => IpCommands.DeleteNamespaceAsync(n, cancellationToken))).ConfigureAwait(false);

        // ip netns delete leaves /etc/netns/NS; a named lab's hosts files go with their namespaces.
        LabHostNames.Remove(namespaces, prefix);

        // Deleting a namespace deletes its veth pair; what remains is the bridge and any link a crash orphaned.
        var links = (await IpCommands.ListLinksAsync(cancellationToken).ConfigureAwait(false))
            .Where(l => l.StartsWith(prefix, StringComparison.Ordinal))
            .OrderBy(l => l.EndsWith("br", StringComparison.Ordinal) ? 1 : 0)
            .ToList();
        foreach (var link in links)
        {
            await IpCommands.DeleteLinkAsync(link, cancellationToken).ConfigureAwait(false);
        }

        var removed = directory is not null && RemoveLabDirectory(directory, logger);
        var report = new LabDownReport(namespaces.Count, links.Count, processes, removed, stopwatch.Elapsed);
        LabLog.Down(logger, prefix, report.Namespaces, report.Links, report.Processes, (long)report.Elapsed.TotalMilliseconds);
        return report;
    }

    /// <summary>Names of namespaces and root-namespace links that start with <paramref name="prefix"/>: what a down would remove.</summary>
    public static async Task<(IReadOnlyList<string> Namespaces, IReadOnlyList<string> Links)> DiscoverAsync(string prefix, CancellationToken cancellationToken = default)
    {
        var namespaces = (await IpCommands.ListNamespacesAsync(cancellationToken).ConfigureAwait(false)).Where(n => n.StartsWith(prefix, StringComparison.Ordinal)).ToList();
        var links = (await IpCommands.ListLinksAsync(cancellationToken).ConfigureAwait(false)).Where(l => l.StartsWith(prefix, StringComparison.Ordinal)).ToList();
        return (namespaces, links);
    }

    private static async Task<int> StopProcessesAsync(IEnumerable<string> namespaces, CancellationToken cancellationToken)
    {
        var pids = new List<int>();
        foreach (var pidList in await Task.WhenAll(namespaces.Select(n => IpCommands.NamespacePidsAsync(n, cancellationToken))).ConfigureAwait(false))
        {
            pids.AddRange(pidList);
        }

        // Only processes inside the lab's own namespaces: nothing else on the machine is touched. SIGKILL at once: the
        // whole lab goes, so nobody needs a clean session close, and a grace period would only slow every down.
        var distinct = pids.Distinct().ToList();
        foreach (var pid in distinct)
        {
            ProcessSignals.Send(pid, ProcessSignals.SigKill);
        }

        var deadline = DateTime.UtcNow + KillWait;
        while (distinct.Any(ProcessSignals.IsAliveAndNotZombie) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20, cancellationToken).ConfigureAwait(false);
        }

        return distinct.Count;
    }

    private static bool RemoveLabDirectory(string directory, ILogger logger)
    {
        if (!Directory.Exists(directory))
        {
            return false;
        }

        // Never remove a directory that does not look like a lab's: a wrong --dir must not delete someone's files.
        if (!File.Exists(Path.Combine(directory, LabManifest.FileName)) && !Directory.Exists(Path.Combine(directory, "hosts")))
        {
            LabLog.DownProblem(logger, $"{directory} is not a lab directory (no {LabManifest.FileName}); left in place");
            return false;
        }

        for (var attempt = 0; ; attempt++)
        {
            try
            {
                Directory.Delete(directory, recursive: true);
                return true;
            }
            catch (IOException) when (attempt < 5)
            {
                // A process that was just killed may still be closing a file in it.
                Thread.Sleep(100);
            }
        }
    }

    [GeneratedRegex("^[a-z][a-z0-9-]{2,10}-\\z")]
    private static partial Regex SafePrefix();
}
