using ZkMitosis.Lab.Network;

namespace ZkMitosis.Lab.Tests;

/// <summary>Checks that a lab left nothing behind.</summary>
internal static class LabAssert
{
    public static async Task NothingLeftAsync(string prefix, string directory)
    {
        var (namespaces, links) = await LabTeardown.DiscoverAsync(prefix);
        Assert.Empty(namespaces);
        Assert.Empty(links);
        Assert.False(Directory.Exists(directory), $"{directory} was left behind");
    }

    /// <summary>The root namespace's firewall rules, without the comment lines that carry a timestamp.</summary>
    public static async Task<string> RootRulesAsync()
    {
        var output = await CommandRunner.RunCheckedAsync("iptables-save", []);
        return string.Join('\n', output.Split('\n').Where(l => !l.StartsWith('#')));
    }
}
