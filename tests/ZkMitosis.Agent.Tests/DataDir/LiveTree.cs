using ZkMitosis.ZooKeeper;

namespace ZkMitosis.Agent.Tests.DataDir;

/// <summary>One znode as the live server answers through the client: data (null apart from empty), Stat, ACL, children.</summary>
public sealed record LiveZnode(byte[]? Data, ZooKeeperStat Stat, IReadOnlyList<ZooKeeperAcl> Acl, IReadOnlyList<string> Children);

/// <summary>Reads a subtree through the client, the independent reading a data-dir read is compared with.</summary>
public static class LiveTree
{
    public static async Task<Dictionary<string, LiveZnode>> ReadAsync(ZooKeeperClient client, string root)
    {
        var result = new Dictionary<string, LiveZnode>(StringComparer.Ordinal);
        var pending = new Stack<string>();
        pending.Push(root);
        while (pending.Count > 0)
        {
            var path = pending.Pop();
            var data = await client.GetDataAsync(path);
            var acl = await client.GetAclAsync(path);
            var children = await client.GetChildrenAsync(path);
            result[path] = new LiveZnode(data.NullableData, data.Stat, acl.Acl, children.Children);
            foreach (var child in children.Children)
            {
                pending.Push(path == "/" ? "/" + child : path + "/" + child);
            }
        }

        return result;
    }
}
