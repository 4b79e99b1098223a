using ZkMitosis.Coordinator.Copy;
using ZkMitosis.ZooKeeper;

namespace ZkMitosis.Coordinator.Tests.Copy;

public sealed class CopyUnitTests
{
    [Theory]
    [InlineData("127.0.0.1:2181/kafka", "127.0.0.1:2181", "/kafka")]
    [InlineData("a:1,b:2/kafka/", "a:1,b:2", "/kafka")]
    [InlineData("a:1", "a:1", "/")]
    [InlineData("a:1/", "a:1", "/")]
    public void Parse_HostsAndPath_Split(string text, string hosts, string path)
    {
        var location = TreeLocation.Parse(text);

        Assert.Equal(hosts, location.Hosts);
        Assert.Equal(path, location.Path);
    }

    [Theory]
    [InlineData("/kafka")]
    [InlineData("a/kafka")]
    [InlineData("a:1/x//y")]
    public void Parse_Malformed_ThrowsArgumentException(string text)
    {
        Assert.Throws<ArgumentException>(() => TreeLocation.Parse(text));
    }

    [Fact]
    public void Resolve_RootAndChild_JoinsWithoutDoubleSlash()
    {
        Assert.Equal("/a/b", TreeLocation.Parse("h:1/").Resolve("/a/b"));
        Assert.Equal("/kafka/a", TreeLocation.Parse("h:1/kafka").Resolve("/a"));
        Assert.Equal("/kafka", TreeLocation.Parse("h:1/kafka").Resolve(string.Empty));
    }

    [Theory]
    [InlineData(0L, false)]
    [InlineData(0x1234L, true)]
    public void IsEphemeral_EphemeralOwner_SetMeansEphemeral(long owner, bool ephemeral)
    {
        Assert.Equal(ephemeral, Node(owner, cversion: 0, children: 0).IsEphemeral);
    }

    [Theory]
    [InlineData(3, 1, 2)] // two creates, one delete
    [InlineData(4, 0, 2)] // two creates, two deletes
    [InlineData(8, 0, 4)]
    [InlineData(0, 0, 0)]
    public void SequentialCounter_FromCversionAndChildren_CountsCreates(int cversion, int children, long expected)
    {
        Assert.Equal(expected, Node(0, cversion, children).SequentialCounter);
    }

    [Fact]
    public void AclEquals_SameEntriesInAnotherOrder_IsEqual()
    {
        var a = new[] { new ZooKeeperAcl(ZooKeeperPermissions.Read, "world", "anyone"), new ZooKeeperAcl(ZooKeeperPermissions.All, "digest", "u:x") };

        Assert.True(CopyRun.AclEquals(a, [.. a.Reverse()]));
        Assert.False(CopyRun.AclEquals(a, [a[0]]));
        Assert.False(CopyRun.AclEquals(a, [a[0], a[1] with { Permissions = ZooKeeperPermissions.Read }]));
    }

    [Fact]
    public void Serialize_Summary_RoundTripsThroughJson()
    {
        var summary = new CopySummary
        {
            Source = "a:1/x",
            Target = "b:2/y",
            Created = 3,
            EphemeralPaths = ["/x/e"],
            VanishedPaths = [],
            ExtraPaths = [],
            Unfaithful = [],
            NextModifiedSince = 1_700_000_000_123,
            Elapsed = TimeSpan.FromSeconds(2),
        };

        var back = CopyJson.DeserializeSummary(CopyJson.Serialize(summary));

        Assert.Equal(3, back.Created);
        Assert.Equal(summary.NextModifiedSince, back.NextModifiedSince);
        Assert.Equal(["/x/e"], back.EphemeralPaths);
        Assert.Contains("\"nextModifiedSince\": 1700000000123", CopyJson.Serialize(summary), StringComparison.Ordinal);
    }

    private static Znode Node(long owner, int cversion, int children) =>
        new("/n", [], new ZooKeeperStat(1, 1, 0, 0, 0, cversion, 0, owner, 0, children, 1), [], []);
}
