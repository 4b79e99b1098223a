using System.Text.Json;
using ZkMitosis.Testing;

namespace ZkMitosis.Cli.Tests.Commands;

public sealed class ZkCommandTests(StandaloneZooKeeperFixture server) : IClassFixture<StandaloneZooKeeperFixture>
{
    private static string Root(string name) => $"/{name}-{Guid.NewGuid():N}"[..(name.Length + 10)];

    private Task<CliRunner.Outcome> Zk(params string[] args) => CliRunner.RunAsync(["zk", "--connect", server.ConnectString, .. args]);

    [Fact]
    public async Task CreateGetSetStatLsDelete_RoundTrip_EachSucceedsWithItsOutput()
    {
        var root = Root("zk");
        Assert.Equal(0, (await Zk("create", root, "top")).ExitCode);
        var created = await Zk("create", root + "/a", "hello");
        Assert.True(created.ExitCode == 0, created.ToString());
        Assert.Equal($"created {root}/a", created.Output.Trim());

        Assert.Equal("hello", (await Zk("get", root + "/a")).Output.Trim());
        var set = await Zk("set", root + "/a", "world");
        Assert.Contains("version 1", set.Output, StringComparison.Ordinal);
        Assert.Equal("world", (await Zk("get", root + "/a")).Output.Trim());
        Assert.Contains("dataVersion = 1", (await Zk("stat", root + "/a")).Output, StringComparison.Ordinal);
        Assert.Equal("a", (await Zk("ls", root)).Output.Trim());

        var deleted = await Zk("delete", root + "/a");
        Assert.Equal(0, deleted.ExitCode);
        Assert.Equal(string.Empty, (await Zk("ls", root)).Output.Trim());
    }

    [Fact]
    public async Task Json_EveryReadCommand_PrintsParsableJson()
    {
        var root = Root("json");
        await Zk("create", root, "x");
        await Zk("create", root + "/child", "data");

        using var ls = JsonDocument.Parse((await Zk("ls", root, "--json")).Output);
        Assert.Equal("child", ls.RootElement.GetProperty("children")[0].GetString());
        using var get = JsonDocument.Parse((await Zk("get", root + "/child", "--stat", "--json")).Output);
        Assert.Equal("data", get.RootElement.GetProperty("data").GetString());
        Assert.Equal(4, get.RootElement.GetProperty("stat").GetProperty("dataLength").GetInt32());
        using var stat = JsonDocument.Parse((await Zk("stat", root, "--json")).Output);
        Assert.Equal(1, stat.RootElement.GetProperty("numChildren").GetInt32());
        using var tree = JsonDocument.Parse((await Zk("tree", root, "--json")).Output);
        Assert.Equal(2, tree.RootElement.GetProperty("znodes").GetInt32());
        using var created = JsonDocument.Parse((await Zk("create", root + "/more", "--json")).Output);
        Assert.Equal(root + "/more", created.RootElement.GetProperty("path").GetString());
    }

    [Fact]
    public async Task Get_Base64AndHex_EncodeTheBytes()
    {
        var root = Root("enc");
        var file = Path.GetTempFileName();
        try
        {
            await File.WriteAllBytesAsync(file, [0x00, 0xff, 0x10]);
            Assert.Equal(0, (await Zk("create", root, "--file", file)).ExitCode);

            Assert.Equal("AP8Q", (await Zk("get", root, "--base64")).Output.Trim());
            Assert.Equal("00ff10", (await Zk("get", root, "--hex")).Output.Trim());
            Assert.Equal(2, (await Zk("get", root, "--hex", "--base64")).ExitCode);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task Create_SequentialAndContainer_CreateThoseKinds()
    {
        var root = Root("kinds");
        await Zk("create", root);

        var first = (await Zk("create", root + "/item-", "--sequential")).Output.Trim();
        var second = (await Zk("create", root + "/item-", "-s")).Output.Trim();
        Assert.Equal($"created {root}/item-0000000000", first);
        Assert.Equal($"created {root}/item-0000000001", second);

        // Servers report ephemeralOwner 0 for containers, so only success and presence are visible here.
        Assert.Equal(0, (await Zk("create", root + "/box", "--container")).ExitCode);
        Assert.Equal(0, (await Zk("stat", root + "/box")).ExitCode);
        Assert.Equal(2, (await Zk("create", root + "/bad", "--container", "--sequential")).ExitCode);
    }

    [Fact]
    public async Task DeleteRecursive_Subtree_RemovesEverythingAndTreeCountedItFirst()
    {
        var root = Root("rec");
        await Zk("create", root);
        foreach (var path in new[] { "/a", "/a/b", "/a/b/c", "/d" })
        {
            await Zk("create", root + path);
        }

        var tree = await Zk("tree", root);
        Assert.Contains("5 znodes", tree.Output, StringComparison.Ordinal);
        Assert.Contains("└── d", tree.Output, StringComparison.Ordinal);

        var notEmpty = await Zk("delete", root);
        Assert.Equal(1, notEmpty.ExitCode);
        Assert.Contains("NotEmpty", notEmpty.Error, StringComparison.Ordinal);

        var deleted = await Zk("delete", root, "--recursive");
        Assert.True(deleted.ExitCode == 0, deleted.ToString());
        Assert.Contains("5 znodes", deleted.Output, StringComparison.Ordinal);
        Assert.Equal(1, (await Zk("stat", root)).ExitCode);
    }

    [Fact]
    public async Task Get_MissingZnode_OneLineErrorNamingCodeAndPathAndExitOne()
    {
        var path = Root("missing") + "/nothing";

        var outcome = await Zk("get", path);

        Assert.Equal(1, outcome.ExitCode);
        Assert.Equal(string.Empty, outcome.Output);
        var line = Assert.Single(outcome.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("NoNode", line, StringComparison.Ordinal);
        Assert.Contains(path, line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Get_UnreachableServer_FailsWithOneLine()
    {
        var port = ZkMitosis.Testing.FreePorts.Next();

        var outcome = await CliRunner.RunAsync("zk", "--connect", $"127.0.0.1:{port}", "ls", "/");

        Assert.Equal(1, outcome.ExitCode);
        Assert.Single(outcome.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public async Task FourLetterWord_Srvr_PrintsTheReplyAndParsesJson()
    {
        var hostPort = server.ConnectString.Split(',')[0];

        var text = await CliRunner.RunAsync("zk", "4lw", hostPort, "srvr");
        Assert.True(text.ExitCode == 0, text.ToString());
        Assert.Contains("Mode: standalone", text.Output, StringComparison.Ordinal);

        using var json = JsonDocument.Parse((await CliRunner.RunAsync("zk", "4lw", hostPort, "mntr", "--json")).Output);
        Assert.Equal("standalone", json.RootElement.GetProperty("fields").GetProperty("zk_server_state").GetString());

        Assert.Equal(2, (await CliRunner.RunAsync("zk", "4lw", "nohostport", "srvr")).ExitCode);
    }

    [Fact]
    public async Task Create_DataFromArgumentAndFile_BothRefused()
    {
        var outcome = await Zk("create", Root("both"), "x", "--file", "/etc/hostname");

        Assert.Equal(2, outcome.ExitCode);
        Assert.Contains("not both", outcome.Error, StringComparison.Ordinal);
    }
}
