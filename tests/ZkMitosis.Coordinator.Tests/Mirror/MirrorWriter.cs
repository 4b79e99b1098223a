using System.Text;
using ZkMitosis.ZooKeeper;

namespace ZkMitosis.Coordinator.Tests.Mirror;

/// <summary>
/// A seeded random writer under a source root: creates (persistent, null data, sequential, ephemeral), sets data,
/// sets ACLs (each followed by a setData, so a watch shows it), deletes subtrees, and creates-then-deletes
/// sequential children at once (the mirror then sees neither and must still raise the parent's counter).
/// </summary>
internal sealed class MirrorWriter(ZooKeeperClient client, string root, int seed)
{
    public const string User = "mirror";
    public const string Password = "mirror-secret";

    private static readonly IReadOnlyList<ZooKeeperAcl> Restricted = [ZooKeeperAcl.Digest(User, Password, ZooKeeperPermissions.All), new(ZooKeeperPermissions.Read, "world", "anyone")];

    private readonly Random _random = new(seed);
    private readonly List<string> _nodes = [];

    public static string Auth => $"digest:{User}:{Password}";

    /// <summary>The fixed part of the tree: a few parents, one of them for sequential children.</summary>
    public async Task SeedAsync()
    {
        foreach (var path in new[] { root, root + "/a", root + "/b", root + "/seq", root + "/b/deep" })
        {
            await client.CreateAsync(path, Encoding.UTF8.GetBytes(path));
        }

        _nodes.AddRange([root + "/a", root + "/b", root + "/b/deep"]);
    }

    public async Task RunAsync(int operations)
    {
        for (var i = 0; i < operations; i++)
        {
            try
            {
                await OneAsync(i);
            }
            catch (KeeperException e) when (e.Code is KeeperErrorCode.NoNode or KeeperErrorCode.NodeExists or KeeperErrorCode.NotEmpty)
            {
                // A random pick of a znode deleted before: fine.
            }
        }
    }

    /// <summary>setACL alone on a few znodes: only a re-scan can carry these.</summary>
    public async Task<int> AclOnlyAsync()
    {
        var changed = 0;
        foreach (var path in _nodes.Take(3))
        {
            try
            {
                await client.SetAclAsync(path, _random.Next(2) == 0 ? Restricted : ZooKeeperAcl.OpenUnsafe);
                changed++;
            }
            catch (KeeperException e) when (e.Code == KeeperErrorCode.NoNode)
            {
            }
        }

        return changed;
    }

    private async Task OneAsync(int i)
    {
        var pick = _nodes.Count == 0 ? root + "/a" : _nodes[_random.Next(_nodes.Count)];
        switch (_random.Next(10))
        {
            case 0 or 1:
                var child = $"{pick}/n{i}";
                await client.CreateAsync(child, Encoding.UTF8.GetBytes($"v{i}"), acl: _random.Next(4) == 0 ? Restricted : null);
                _nodes.Add(child);
                break;
            case 2:
                await client.SingleAsync(Op.CreateWithNullData($"{pick}/null{i}"));
                _nodes.Add($"{pick}/null{i}");
                break;
            case 3 or 4:
                await client.SetDataAsync(pick, Encoding.UTF8.GetBytes($"d{i}"));
                break;
            case 5:
                await client.SetAclAsync(pick, _random.Next(2) == 0 ? Restricted : ZooKeeperAcl.OpenUnsafe);
                await client.SetDataAsync(pick, Encoding.UTF8.GetBytes($"acl{i}"));
                break;
            case 6:
                var created = await client.CreateAsync(root + "/seq/s-", Encoding.UTF8.GetBytes($"s{i}"), CreateMode.PersistentSequential);
                if (_random.Next(2) == 0)
                {
                    await client.DeleteAsync(created);
                }

                break;
            case 7:
                await client.CreateAsync($"{pick}/eph{i}", default, CreateMode.Ephemeral);
                break;
            case 8 when pick.Length > root.Length + 2 && _random.Next(3) == 0:
                await DeleteSubtreeAsync(pick);
                break;
            default:
                await client.SetDataAsync(pick, Encoding.UTF8.GetBytes($"x{i}"));
                await client.SetDataAsync(pick, Encoding.UTF8.GetBytes($"y{i}"));
                break;
        }
    }

    private async Task DeleteSubtreeAsync(string path)
    {
        var children = await client.GetChildrenAsync(path);
        foreach (var child in children.Children)
        {
            await DeleteSubtreeAsync(path + "/" + child);
        }

        await client.DeleteAsync(path);
        _nodes.RemoveAll(n => n == path || n.StartsWith(path + "/", StringComparison.Ordinal));
    }
}
