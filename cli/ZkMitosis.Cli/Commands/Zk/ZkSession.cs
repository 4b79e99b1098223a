using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using ZkMitosis.Cli.Commands.Tools;
using ZkMitosis.ZooKeeper;

namespace ZkMitosis.Cli.Commands.Zk;

/// <summary>The options every <c>zk</c> subcommand shares, the session it opens, and JSON helpers.</summary>
internal static class ZkSession
{
    /// <summary>Used when neither --connect nor ZKMITOSIS_CONNECT is given.</summary>
    public const string DefaultConnect = "127.0.0.1:2181";

    public static readonly Option<string> Connect = new("--connect", "-c")
    {
        Description = "host:port[,…][/chroot] (default: $ZKMITOSIS_CONNECT or 127.0.0.1:2181)",
        Recursive = true,
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable("ZKMITOSIS_CONNECT") is { Length: > 0 } fromEnvironment ? fromEnvironment : DefaultConnect,
    };

    public static readonly Option<bool> Json = new("--json")
    {
        Description = "print JSON instead of text",
        Recursive = true,
    };

    public static readonly Option<string?> Auth = new("--auth")
    {
        Description = "scheme:auth added to the session (e.g. digest:user:password)",
        Recursive = true,
    };

    public static readonly Option<int> MaxFrameBytes = new("--max-frame-bytes")
    {
        Description = "the server's jute.maxbuffer: largest request sent and reply read, bytes (default 1048575 = 0xfffff; raise it for a server with a larger one)",
        Recursive = true,
        DefaultValueFactory = _ => ZooKeeperClientOptions.DefaultMaxFrameBytes,
    };

    /// <summary>TLS and SASL: <c>--tls-ca</c>, <c>--tls-cert</c>, <c>--tls-key</c>, <c>--tls-no-hostname-verification</c>, <c>--sasl-credentials</c>.</summary>
    public static readonly SecurityOptions Security = SecurityOptions.Create(recursive: true);

    public static async Task<ZooKeeperClient> OpenAsync(ParseResult parseResult, CancellationToken cancellationToken)
    {
        var maxFrameBytes = parseResult.GetValue(MaxFrameBytes);
        if (maxFrameBytes < 1024)
        {
            throw new ArgumentException($"--max-frame-bytes {maxFrameBytes} is below 1024");
        }

        var security = Security.Read(parseResult);

        var client = await ZooKeeperClient.ConnectAsync(parseResult.GetRequiredValue(Connect), new ZooKeeperClientOptions
        {
            ConnectTimeout = TimeSpan.FromSeconds(3),
            MaxFrameBytes = maxFrameBytes,
            // getData's reply is the data plus a header and a Stat, so a znode at the server's limit answers a little over it.
            MaxReplyFrameBytes = maxFrameBytes + (64 * 1024),
            Tls = security.Tls,
            Sasl = security.Sasl,
        }, cancellationToken);
        if (parseResult.GetValue(Auth) is { } auth)
        {
            var colon = auth.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
            {
                await client.DisposeAsync();
                throw new ArgumentException("--auth must be scheme:auth (e.g. digest:user:password)");
            }

            await client.AddAuthAsync(auth[..colon], System.Text.Encoding.UTF8.GetBytes(auth[(colon + 1)..]), cancellationToken);
        }

        return client;
    }

    public static bool WantsJson(ParseResult parseResult) => parseResult.GetValue(Json);

    public static Task WriteJsonAsync(ParseResult parseResult, JsonNode node) =>
        Tools.ToolConsole.Out(parseResult).WriteLineAsync(node.ToJsonString(Indented));

    public static JsonObject StatJson(ZooKeeperStat stat) => new()
    {
        ["czxid"] = stat.Czxid,
        ["mzxid"] = stat.Mzxid,
        ["ctime"] = stat.Ctime,
        ["mtime"] = stat.Mtime,
        ["version"] = stat.Version,
        ["cversion"] = stat.Cversion,
        ["aversion"] = stat.Aversion,
        ["ephemeralOwner"] = stat.EphemeralOwner,
        ["dataLength"] = stat.DataLength,
        ["numChildren"] = stat.NumChildren,
        ["pzxid"] = stat.Pzxid,
    };

    /// <summary>The layout of ZooKeeper's own CLI, so operators read it at a glance.</summary>
    public static string StatText(ZooKeeperStat stat) => string.Join('\n',
        $"cZxid = 0x{stat.Czxid:x}",
        $"ctime = {Time(stat.Ctime)}",
        $"mZxid = 0x{stat.Mzxid:x}",
        $"mtime = {Time(stat.Mtime)}",
        $"pZxid = 0x{stat.Pzxid:x}",
        $"cversion = {stat.Cversion}",
        $"dataVersion = {stat.Version}",
        $"aclVersion = {stat.Aversion}",
        $"ephemeralOwner = 0x{stat.EphemeralOwner:x}",
        $"dataLength = {stat.DataLength}",
        $"numChildren = {stat.NumChildren}");

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    private static string Time(long ms) => DateTimeOffset.FromUnixTimeMilliseconds(ms).ToString("O", System.Globalization.CultureInfo.InvariantCulture);
}
