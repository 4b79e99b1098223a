using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using ZkMitosis.Cli.Commands.Tools;
using ZkMitosis.ZooKeeper;

namespace ZkMitosis.Cli.Commands.Zk;

/// <summary><c>zk create</c>, <c>zk set</c>, <c>zk delete</c>.</summary>
internal static class ZkWriteCommands
{
    public static Command Create()
    {
        var path = new Argument<string>("path") { Description = "znode path (the prefix, with --sequential)" };
        var data = new Argument<string?>("data") { Description = "data as text", Arity = ArgumentArity.ZeroOrOne };
        var file = new Option<string?>("--file") { Description = "read the data from this file (bytes as they are)" };
        var sequential = new Option<bool>("--sequential", "-s") { Description = "append a sequence number" };
        var container = new Option<bool>("--container") { Description = "a container znode (removed by the server once its last child goes)" };
        var ephemeral = new Option<bool>("--ephemeral", "-e") { Description = "ephemeral: gone when this command's session closes (useful for tests)" };
        var command = new Command("create", "create a znode") { path, data, file, sequential, container, ephemeral };
        command.SetAction((parseResult, ct) => ToolConsole.RunAsync(parseResult, async () =>
        {
            var bytes = await DataAsync(parseResult, data, file, ct);
            var mode = Mode(parseResult.GetValue(sequential), parseResult.GetValue(container), parseResult.GetValue(ephemeral));
            await using var client = await ZkSession.OpenAsync(parseResult, ct);
            var created = await client.Create2Async(parseResult.GetRequiredValue(path), bytes, mode, cancellationToken: ct);
            if (ZkSession.WantsJson(parseResult))
            {
                await ZkSession.WriteJsonAsync(parseResult, new JsonObject { ["path"] = created.Path, ["stat"] = ZkSession.StatJson(created.Stat) });
            }
            else
            {
                await ToolConsole.Out(parseResult).WriteLineAsync($"created {created.Path}");
            }

            return ToolConsole.Ok;
        }));
        return command;
    }

    public static Command Set()
    {
        var path = new Argument<string>("path") { Description = "znode path" };
        var data = new Argument<string?>("data") { Description = "data as text", Arity = ArgumentArity.ZeroOrOne };
        var file = new Option<string?>("--file") { Description = "read the data from this file" };
        var version = new Option<int>("--version") { Description = "expected data version (-1: any)", DefaultValueFactory = _ => -1 };
        var command = new Command("set", "set the data of a znode") { path, data, file, version };
        command.SetAction((parseResult, ct) => ToolConsole.RunAsync(parseResult, async () =>
        {
            var bytes = await DataAsync(parseResult, data, file, ct);
            await using var client = await ZkSession.OpenAsync(parseResult, ct);
            var stat = await client.SetDataAsync(parseResult.GetRequiredValue(path), bytes, parseResult.GetValue(version), ct);
            if (ZkSession.WantsJson(parseResult))
            {
                await ZkSession.WriteJsonAsync(parseResult, new JsonObject { ["path"] = parseResult.GetRequiredValue(path), ["stat"] = ZkSession.StatJson(stat) });
            }
            else
            {
                await ToolConsole.Out(parseResult).WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"set {parseResult.GetRequiredValue(path)} (version {stat.Version})"));
            }

            return ToolConsole.Ok;
        }));
        return command;
    }

    public static Command Delete()
    {
        var path = new Argument<string>("path") { Description = "znode path" };
        var recursive = new Option<bool>("--recursive", "-r") { Description = "delete the znode and everything under it" };
        var version = new Option<int>("--version") { Description = "expected data version (-1: any; not with --recursive)", DefaultValueFactory = _ => -1 };
        var command = new Command("delete", "delete a znode") { path, recursive, version };
        command.SetAction((parseResult, ct) => ToolConsole.RunAsync(parseResult, async () =>
        {
            var p = parseResult.GetRequiredValue(path);
            if (p == "/" || p == "/zookeeper" || p.StartsWith("/zookeeper/", StringComparison.Ordinal))
            {
                throw new ArgumentException($"refusing to delete {p}: it belongs to ZooKeeper itself");
            }

            await using var client = await ZkSession.OpenAsync(parseResult, ct);
            long deleted;
            if (parseResult.GetValue(recursive))
            {
                deleted = await DeleteRecursiveAsync(client, p, ct);
            }
            else
            {
                await client.DeleteAsync(p, parseResult.GetValue(version), ct);
                deleted = 1;
            }

            if (ZkSession.WantsJson(parseResult))
            {
                await ZkSession.WriteJsonAsync(parseResult, new JsonObject { ["path"] = p, ["deleted"] = deleted });
            }
            else
            {
                await ToolConsole.Out(parseResult).WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"deleted {p} ({deleted} znodes)"));
            }

            return ToolConsole.Ok;
        }));
        return command;
    }

    /// <summary>Deepest first; every level's listings and deletes in flight together.</summary>
    internal static async Task<long> DeleteRecursiveAsync(ZooKeeperClient client, string path, CancellationToken ct)
    {
        var levels = new List<List<string>> { new() { path } };
        while (levels[^1].Count > 0)
        {
            var level = levels[^1];
            var listings = await Task.WhenAll(level.Select(async p =>
            {
                try
                {
                    return (await client.GetChildrenAsync(p, cancellationToken: ct)).Children;
                }
                catch (KeeperException e) when (e.Code == KeeperErrorCode.NoNode)
                {
                    return [];
                }
            }));
            levels.Add([.. level.SelectMany((p, i) => listings[i].Select(c => p + "/" + c))]);
        }

        long deleted = 0;
        for (var i = levels.Count - 1; i >= 0; i--)
        {
            var outcomes = await Task.WhenAll(levels[i].Select(async p =>
            {
                try
                {
                    await client.DeleteAsync(p, cancellationToken: ct);
                    return 1;
                }
                catch (KeeperException e) when (e.Code == KeeperErrorCode.NoNode)
                {
                    return 0;
                }
            }));
            deleted += outcomes.Sum();
        }

        return deleted;
    }

    private static async Task<byte[]> DataAsync(ParseResult parseResult, Argument<string?> data, Option<string?> file, CancellationToken ct)
    {
        var text = parseResult.GetValue(data);
        var path = parseResult.GetValue(file);
        if (text is not null && path is not null)
        {
            throw new ArgumentException("give the data either as an argument or with --file, not both");
        }

        return path is not null ? await File.ReadAllBytesAsync(path, ct) : Encoding.UTF8.GetBytes(text ?? string.Empty);
    }

    private static CreateMode Mode(bool sequential, bool container, bool ephemeral) => (sequential, container, ephemeral) switch
    {
        (_, true, true) => throw new ArgumentException("--container and --ephemeral exclude each other"),
        (true, true, _) => throw new ArgumentException("a container cannot be sequential"),
        (false, true, false) => CreateMode.Container,
        (true, false, true) => CreateMode.EphemeralSequential,
        (false, false, true) => CreateMode.Ephemeral,
        (true, false, false) => CreateMode.PersistentSequential,
        _ => CreateMode.Persistent,
    };
}
