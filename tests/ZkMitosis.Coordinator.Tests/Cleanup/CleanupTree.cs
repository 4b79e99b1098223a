using ZkMitosis.ZooKeeper;

namespace ZkMitosis.Coordinator.Tests.Cleanup;

/// <summary>Builds and reads whole trees for the cleanup tests, independently of the code under test.</summary>
internal static class CleanupTree
{
    /// <summary>Deletes everything but /zookeeper, so each test starts from an empty server of its own class.</summary>
    public static async Task ClearAsync(ZooKeeperClient client)
    {
        foreach (var child in (await client.GetChildrenAsync("/")).Children.Where(c => c != "zookeeper"))
        {
            await DeleteRecursiveAsync(client, "/" + child);
        }
    }

    /// <summary>Creates <paramref name="path"/> and its missing parents, then <paramref name="children"/> znodes below it.</summary>
    public static async Task CreateAsync(ZooKeeperClient client, string path, int children = 0)
    {
        var current = "";
        foreach (var part in path.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            current += "/" + part;
            if (await client.ExistsAsync(current) is null)
            {
                await client.CreateAsync(current, "d"u8.ToArray());
            }
        }

        for (var i = 0; i < children; i++)
        {
            await client.CreateAsync($"{path}/n{i:D3}", new byte[] { (byte)i });
        }
    }

    /// <summary>Every path under / but /zookeeper's subtree, sorted.</summary>
    public static async Task<List<string>> PathsAsync(ZooKeeperClient client)
    {
        var paths = new List<string>();
        var pending = new Stack<string>(["/"]);
        while (pending.TryPop(out var path))
        {
            if (path == "/zookeeper")
            {
                continue;
            }

            paths.Add(path);
            foreach (var child in (await client.GetChildrenAsync(path)).Children)
            {
                pending.Push(path == "/" ? "/" + child : path + "/" + child);
            }
        }

        paths.Sort(StringComparer.Ordinal);
        return paths;
    }

    private static async Task DeleteRecursiveAsync(ZooKeeperClient client, string path)
    {
        foreach (var child in (await client.GetChildrenAsync(path)).Children)
        {
            await DeleteRecursiveAsync(client, path + "/" + child);
        }

        await client.DeleteAsync(path);
    }
}
