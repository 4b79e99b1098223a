using System.Text;
using ZkMitosis.Lab.Manifest;

namespace ZkMitosis.Lab.Network;

/// <summary>
/// Host names for a named lab (<c>lab up --hostnames</c>) without touching the machine's resolver: each host's
/// namespace gets <c>/etc/netns/NS/hosts</c>, which <c>ip netns exec</c> bind-mounts over <c>/etc/hosts</c> for
/// everything it runs there (iproute2, ip-netns(8)); the coordinator side runs in a private mount namespace with the
/// lab's own <c>etc-hosts</c> bound the same way (<see cref="ResolvingCommand"/>). Nothing outside the lab's files and its
/// namespaces' <c>/etc/netns</c> entries changes, and <c>lab down</c> removes those.
/// </summary>
public static class LabHostNames
{
    /// <summary>Where <c>ip netns exec</c> looks for a namespace's own copies of <c>/etc</c> files.</summary>
    public const string NetnsEtc = "/etc/netns";

    /// <summary>The first line of every hosts file this class writes: only such a file is removed.</summary>
    private const string Marker = "# Written by zkmitosis lab up --hostnames";

    /// <summary>The hosts file's text: loopback lines, then each host's address and name, in manifest order.</summary>
    public static string Render(LabManifest manifest)
    {
        var text = new StringBuilder(Marker).Append(" for lab '").Append(manifest.Name).Append("'.\n")
            .Append("127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n");
        foreach (var host in manifest.Hosts.Where(h => h.DnsName is not null))
        {
            text.Append(host.Address).Append('\t').Append(host.DnsName).Append('\t').Append(host.Name).Append('\n');
        }

        return text.ToString();
    }

    /// <summary>
    /// Writes the lab's <c>etc-hosts</c> and each namespace's <c>/etc/netns/NS/hosts</c>; nothing on a lab without names.
    /// Called before anything runs in the namespaces: <c>ip netns exec</c> binds the file at each exec.
    /// </summary>
    public static void Write(LabManifest manifest)
    {
        if (manifest.HostsFilePath is not { } labHosts)
        {
            return;
        }

        var text = Render(manifest);
        File.WriteAllText(labHosts, text);
        foreach (var host in manifest.Hosts)
        {
            var directory = Path.Combine(NetnsEtc, host.Namespace);
            Directory.CreateDirectory(directory);
            File.WriteAllText(Path.Combine(directory, "hosts"), text);
        }
    }

    /// <summary>
    /// Removes the <c>/etc/netns</c> entries of the lab's namespaces (<paramref name="namespaces"/> and any whose name
    /// starts with <paramref name="prefix"/>): the hosts file this class wrote, then the directory when nothing else is
    /// in it (a file someone else put there stays, with its directory). Returns how many directories went.
    /// </summary>
    public static int Remove(IEnumerable<string> namespaces, string prefix)
    {
        if (!Directory.Exists(NetnsEtc))
        {
            return 0;
        }

        var names = namespaces.ToHashSet(StringComparer.Ordinal);
        names.UnionWith(Directory.EnumerateDirectories(NetnsEtc).Select(Path.GetFileName).OfType<string>().Where(n => n.StartsWith(prefix, StringComparison.Ordinal)));
        var removed = 0;
        foreach (var name in names)
        {
            var directory = Path.Combine(NetnsEtc, name);
            var hosts = Path.Combine(directory, "hosts");
            if (File.Exists(hosts) && File.ReadLines(hosts).FirstOrDefault()?.StartsWith(Marker, StringComparison.Ordinal) == true)
            {
                File.Delete(hosts);
            }

            if (Directory.Exists(directory) && !Directory.EnumerateFileSystemEntries(directory).Any())
            {
                Directory.Delete(directory);
                removed++;
            }
        }

        return removed;
    }

    /// <summary>
    /// <paramref name="command"/> (argv) run with <paramref name="hostsFile"/> as its <c>/etc/hosts</c>: in a private
    /// mount namespace (<c>unshare --mount --propagation private</c>) where that file is bind-mounted, so the lab's
    /// names resolve for it and for nothing else on the machine. Root only, as the lab is.
    /// </summary>
    public static IReadOnlyList<string> ResolvingCommand(string hostsFile, IReadOnlyList<string> command) =>
    [
        "unshare", "--mount", "--propagation", "private", "--",
        "sh", "-c", "mount --bind \"$1\" /etc/hosts && shift && exec \"$@\"", "sh", hostsFile, .. command,
    ];
}
