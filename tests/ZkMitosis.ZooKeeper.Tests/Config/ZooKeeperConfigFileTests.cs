using ZkMitosis.ZooKeeper.Config;

namespace ZkMitosis.ZooKeeper.Tests.Config;

/// <summary>
/// Issue 12 §3: where a zoo.cfg keeps its members. The rules follow QuorumPeerConfig.parse/parseProperties: with
/// <c>dynamicConfigFile</c> the members come from that file only; member lines in zoo.cfg too are refused.
/// </summary>
public sealed class ZooKeeperConfigFileTests
{
    private const string Dynamic = "server.1=zk1:2888:3888:participant;0.0.0.0:2181\nserver.2=zk2:2888:3888:participant;0.0.0.0:2181\nserver.3=zk3:2888:3888:observer;0.0.0.0:2181\n";

    private static Func<string, string?> Files(params (string Path, string Text)[] files) =>
        path => files.FirstOrDefault(f => f.Path == path).Text;

    [Fact]
    public void Parse_NoDynamicFile_MembersFromZooCfg()
    {
        var config = ZooKeeperConfigFile.Parse("/etc/zk/zoo.cfg", "clientPort=2181\nserver.1=zk1:2888:3888\nserver.2=zk2:2888:3888\n", "/", Files());

        Assert.Null(config.DynamicPath);
        Assert.Equal([1L, 2L], config.Members.Select(m => m.Id));
    }

    [Fact]
    public void Parse_AbsoluteDynamicFile_MembersFromItOnly()
    {
        var config = ZooKeeperConfigFile.Parse("/etc/zk/zoo.cfg", "clientPort=2181\ndynamicConfigFile=/var/zk/zoo.cfg.dynamic.100000000\n", "/",
            Files(("/var/zk/zoo.cfg.dynamic.100000000", Dynamic), ("/etc/zk/zoo.cfg.dynamic.100000000", "server.9=wrong:1:2\n")));

        Assert.Equal("/var/zk/zoo.cfg.dynamic.100000000", config.DynamicPath);
        Assert.Equal(["zk1", "zk2", "zk3"], config.Members.Select(m => m.Host));
        Assert.True(config.Members[2].Observer);
    }

    [Fact]
    public void Parse_RelativeDynamicFile_ConfigDirectoryFirst()
    {
        var config = ZooKeeperConfigFile.Parse("/etc/zk/zoo.cfg", "dynamicConfigFile=zoo.cfg.dynamic.2\n", "/home/op",
            Files(("/etc/zk/zoo.cfg.dynamic.2", Dynamic), ("/home/op/zoo.cfg.dynamic.2", "server.9=wrong:1:2\n")));

        Assert.Equal("/etc/zk/zoo.cfg.dynamic.2", config.DynamicPath);
        Assert.Equal(3, config.Members.Count);
    }

    [Fact]
    public void Parse_RelativeDynamicFileOnlyInTheWorkingDirectory_FoundThereAsTheServerWouldOpenIt()
    {
        var config = ZooKeeperConfigFile.Parse("/etc/zk/zoo.cfg", "dynamicConfigFile=conf/zoo.cfg.dynamic\n", "/opt/zookeeper",
            Files(("/opt/zookeeper/conf/zoo.cfg.dynamic", Dynamic)));

        Assert.Equal("/opt/zookeeper/conf/zoo.cfg.dynamic", config.DynamicPath);
        Assert.Equal(3, config.Members.Count);
    }

    [Fact]
    public void Parse_MissingDynamicFile_NamesEveryPlaceLooked()
    {
        var error = Assert.Throws<FormatException>(() => ZooKeeperConfigFile.Parse("/etc/zk/zoo.cfg", "dynamicConfigFile=zoo.cfg.dynamic.2\n", "/home/op", Files()));

        Assert.Equal("/etc/zk/zoo.cfg: dynamicConfigFile=zoo.cfg.dynamic.2: no such file (looked at /etc/zk/zoo.cfg.dynamic.2 and /home/op/zoo.cfg.dynamic.2)", error.Message);
    }

    [Theory]
    [InlineData("server.1=zk1:2888:3888\n", "server.1")]
    [InlineData("group.1=1:2:3\n", "group.1")]
    [InlineData("weight.1=1\n", "weight.1")]
    public void Parse_MemberLinesBesideADynamicFile_RefusedAsZooKeeperRefusesThem(string line, string key)
    {
        var error = Assert.Throws<FormatException>(() => ZooKeeperConfigFile.Parse("/etc/zk/zoo.cfg", "dynamicConfigFile=/etc/zk/d\n" + line, "/", Files(("/etc/zk/d", Dynamic))));

        Assert.StartsWith($"/etc/zk/zoo.cfg: {key} must be in the dynamic config file it names (/etc/zk/d)", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("version=100000000\n", "version line")]
    [InlineData("clientPort=2181\n", "'clientPort' does not belong")]
    [InlineData("server.1=zk1:2888\n", "expected host:quorumPort:electionPort")]
    public void Parse_DynamicFileZooKeeperWouldRefuse_NamesFileAndLine(string bad, string expected)
    {
        var error = Assert.Throws<FormatException>(() => ZooKeeperConfigFile.Parse("/etc/zk/zoo.cfg", "dynamicConfigFile=/etc/zk/d\n", "/", Files(("/etc/zk/d", "server.2=zk2:2888:3888\n" + bad))));

        Assert.StartsWith("/etc/zk/d:2: ", error.Message, StringComparison.Ordinal);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_RealFilesWithRelativeName_ReadsTheDynamicFileBesideZooCfg()
    {
        var directory = Directory.CreateTempSubdirectory("zkm-dynamic-");
        try
        {
            var zooCfg = Path.Combine(directory.FullName, "zoo.cfg");
            File.WriteAllText(zooCfg, "tickTime=2000\r\ndynamicConfigFile=zoo.cfg.dynamic.100000000\r\n");
            File.WriteAllText(Path.Combine(directory.FullName, "zoo.cfg.dynamic.100000000"), Dynamic);

            var config = ZooKeeperConfigFile.Load(zooCfg);

            Assert.Equal(Path.Combine(directory.FullName, "zoo.cfg.dynamic.100000000"), config.DynamicPath);
            Assert.Equal(3, config.Members.Count);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }
}
