using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using ZkMitosis.Cli.Commands.Tools;
using ZkMitosis.ZooKeeper;

namespace ZkMitosis.Cli.Commands.Zk;

/// <summary><c>zk ls</c>, <c>zk get</c>, <c>zk stat</c>, <c>zk tree</c>.</summary>
internal static class ZkReadCommands
{
    public static Command Ls()
    {
        var path = new Argument<string>("path") { Description = "znode path", DefaultValueFactory = _ => "/" };
        var command = new Command("ls", "list the children of a znode") { path };
        command.SetAction((parseResult, ct) => ToolConsole.RunAsync(parseResult, async () =>
        {
            await using var client = await ZkSession.OpenAsync(parseResult, ct);
            var result = await client.GetChildrenAsync(parseResult.GetRequiredValue(path), cancellationToken: ct);
            var children = result.Children.Order(StringComparer.Ordinal).ToList();
            if (ZkSession.WantsJson(parseResult))
            {
                await ZkSession.WriteJsonAsync(parseResult, new JsonObject
                {
                    ["path"] = parseResult.GetRequiredValue(path),
                    ["children"] = new JsonArray([.. children.Select(c => (JsonNode?)JsonValue.Create(c))]),
                });
            }
            else
            {
                foreach (var child in children)
                {
                    await ToolConsole.Out(parseResult).WriteLineAsync(child);
                }
            }

            return ToolConsole.Ok;
        }));
        return command;
    }

    public static Command Get()
    {
        var path = new Argument<string>("path") { Description = "znode path" };
        var base64 = new Option<bool>("--base64") { Description = "print the data as base64" };
        var hex = new Option<bool>("--hex") { Description = "print the data as hex" };
        var stat = new Option<bool>("--stat") { Description = "print the stat too" };
        var command = new Command("get", "print the data of a znode (text unless --base64 or --hex); with --json, null data (a znode created without data) is \"data\": null, empty data \"\"") { path, base64, hex, stat };
        command.SetAction((parseResult, ct) => ToolConsole.RunAsync(parseResult, async () =>
        {
            if (parseResult.GetValue(base64) && parseResult.GetValue(hex))
            {
                throw new ArgumentException("--base64 and --hex exclude each other");
            }

            await using var client = await ZkSession.OpenAsync(parseResult, ct);
            var result = await client.GetDataAsync(parseResult.GetRequiredValue(path), cancellationToken: ct);
            var encoding = parseResult.GetValue(base64) ? "base64" : parseResult.GetValue(hex) ? "hex" : "text";
            var data = encoding switch
            {
                "base64" => Convert.ToBase64String(result.Data),
                "hex" => Convert.ToHexStringLower(result.Data),
                _ => Encoding.UTF8.GetString(result.Data),
            };
            if (ZkSession.WantsJson(parseResult))
            {
                var json = new JsonObject { ["path"] = parseResult.GetRequiredValue(path), ["encoding"] = encoding, ["data"] = result.IsNullData ? null : data };
                if (parseResult.GetValue(stat))
                {
                    json["stat"] = ZkSession.StatJson(result.Stat);
                }

                await ZkSession.WriteJsonAsync(parseResult, json);
            }
            else
            {
                await ToolConsole.Out(parseResult).WriteLineAsync(data);
                if (parseResult.GetValue(stat))
                {
                    await ToolConsole.Out(parseResult).WriteLineAsync(ZkSession.StatText(result.Stat));
                }
            }

            return ToolConsole.Ok;
        }));
        return command;
    }

    public static Command Stat()
    {
        var path = new Argument<string>("path") { Description = "znode path" };
        var command = new Command("stat", "print the stat of a znode") { path };
        command.SetAction((parseResult, ct) => ToolConsole.RunAsync(parseResult, async () =>
        {
            await using var client = await ZkSession.OpenAsync(parseResult, ct);
            var p = parseResult.GetRequiredValue(path);
            var stat = await client.ExistsAsync(p, cancellationToken: ct) ?? throw new ToolException($"NoNode: {p} does not exist");
            if (ZkSession.WantsJson(parseResult))
            {
                var json = ZkSession.StatJson(stat);
                json["path"] = p;
                await ZkSession.WriteJsonAsync(parseResult, json);
            }
            else
            {
                await ToolConsole.Out(parseResult).WriteLineAsync(ZkSession.StatText(stat));
            }

            return ToolConsole.Ok;
        }));
        return command;
    }

    public static Command Tree()
    {
        var path = new Argument<string>("path") { Description = "root of the tree", DefaultValueFactory = _ => "/" };
        var depth = new Option<int?>("--max-depth") { Description = "stop descending below this depth" };
        var command = new Command("tree", "print a subtree with the number of znodes under each node") { path, depth };
        command.SetAction((parseResult, ct) => ToolConsole.RunAsync(parseResult, async () =>
        {
            await using var client = await ZkSession.OpenAsync(parseResult, ct);
            var root = await ReadTreeAsync(client, parseResult.GetRequiredValue(path), 0, parseResult.GetValue(depth) ?? int.MaxValue, ct);
            if (ZkSession.WantsJson(parseResult))
            {
                await ZkSession.WriteJsonAsync(parseResult, root.ToJson());
            }
            else
            {
                var text = new StringBuilder();
                root.Render(text, string.Empty, isRoot: true, isLast: true);
                await ToolConsole.Out(parseResult).WriteAsync(text.ToString());
                await ToolConsole.Out(parseResult).WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"{root.Count} znodes"));
            }

            return ToolConsole.Ok;
        }));
        return command;
    }

    private static async Task<TreeNode> ReadTreeAsync(ZooKeeperClient client, string path, int depth, int maxDepth, CancellationToken ct)
    {
        var children = await client.GetChildrenAsync(path, cancellationToken: ct);
        var name = path == "/" ? "/" : path[(path.LastIndexOf('/') + 1)..];
        if (depth >= maxDepth)
        {
            return new TreeNode(path, name, [], children.Children.Count, Truncated: children.Children.Count > 0);
        }

        var childPaths = children.Children.Order(StringComparer.Ordinal).Select(c => path == "/" ? "/" + c : path + "/" + c).ToList();
        var nodes = new List<TreeNode>();
        foreach (var childPath in childPaths)
        {
            try
            {
                nodes.Add(await ReadTreeAsync(client, childPath, depth + 1, maxDepth, ct));
            }
            catch (KeeperException e) when (e.Code == KeeperErrorCode.NoNode)
            {
                // Deleted while we walked: not part of the tree any more.
            }
        }

        return new TreeNode(path, name, nodes, children.Children.Count, Truncated: false);
    }

    private sealed record TreeNode(string Path, string Name, IReadOnlyList<TreeNode> Children, int ChildCount, bool Truncated)
    {
        /// <summary>This znode and every znode below it that was read.</summary>
        public long Count => 1 + Children.Sum(c => c.Count);

        public JsonObject ToJson() => new()
        {
            ["path"] = Path,
            ["children"] = ChildCount,
            ["znodes"] = Count,
            ["truncated"] = Truncated,
            ["nodes"] = new JsonArray([.. Children.Select(c => (JsonNode?)c.ToJson())]),
        };

        public void Render(StringBuilder text, string indent, bool isRoot, bool isLast)
        {
            text.Append(indent).Append(isRoot ? string.Empty : isLast ? "└── " : "├── ").Append(isRoot ? Path : Name);
            text.Append(CultureInfo.InvariantCulture, $" ({Count - 1} below)");
            if (Truncated)
            {
                text.Append(CultureInfo.InvariantCulture, $" [{ChildCount} children not shown]");
            }

            text.Append('\n');
            var childIndent = isRoot ? string.Empty : indent + (isLast ? "    " : "│   ");
            for (var i = 0; i < Children.Count; i++)
            {
                Children[i].Render(text, childIndent, isRoot: false, isLast: i == Children.Count - 1);
            }
        }
    }
}
