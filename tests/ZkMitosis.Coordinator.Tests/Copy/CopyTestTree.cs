using System.Text;
using ZkMitosis.ZooKeeper;

namespace ZkMitosis.Coordinator.Tests.Copy;

/// <summary>Small helpers to build source trees in tests.</summary>
internal static class CopyTestTree
{
    public static byte[] Bytes(string text) => Encoding.UTF8.GetBytes(text);

    public static async Task CreateAsync(ZooKeeperClient client, string path, string data = "", CreateMode mode = CreateMode.Persistent, IReadOnlyList<ZooKeeperAcl>? acl = null)
    {
        var slash = path.LastIndexOf('/');
        if (slash > 0 && await client.ExistsAsync(path[..slash]) is null)
        {
            await CreateAsync(client, path[..slash]);
        }

        await client.CreateAsync(path, Bytes(data), mode, acl);
    }

    /// <summary>A unique root for one test on the shared server.</summary>
    public static string UniqueRoot(string name) => $"/{name}-{Guid.NewGuid():N}"[..(name.Length + 10)];
}
