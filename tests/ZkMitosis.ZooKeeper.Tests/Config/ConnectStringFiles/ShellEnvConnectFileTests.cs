using ZkMitosis.ZooKeeper.Config.ConnectStringFiles;
using ZkMitosis.ZooKeeper.Connection;
using static ZkMitosis.ZooKeeper.Tests.Config.ConnectStringFiles.ConnectStringFileAssert;

namespace ZkMitosis.ZooKeeper.Tests.Config.ConnectStringFiles;

public sealed class ShellEnvConnectFileTests
{
    private static readonly ConnectStringLocation ZkHost = new(ConnectStringFormat.ShellEnv, "ZK_HOST");

    // Solr's shipped solr.in.sh carries the variable commented out; the operator's line is the one that counts.
    private const string SolrInSh = "# Set the ZooKeeper connection string if using an external ZooKeeper ensemble\r\n# e.g. host1:2181,host2:2181/chroot\r\n#ZK_HOST=\"\"\r\nSOLR_HEAP=\"2g\"\r\n  export ZK_HOST=\"s1:2181,s2:2181/solr\" # set by ops\r\nZK_CLIENT_TIMEOUT=\"30000\"\r\n";

    [Fact]
    public void Write_ExportedDoubleQuotedBesideCommentedLine_OnlyTheValueChanges() =>
        RoundTrips(SolrInSh, ZkHost, SolrInSh.Replace("\"s1:2181,s2:2181/solr\"", "\"d1:2181,d2:2181,d3:2181/tenant\"", StringComparison.Ordinal));

    [Theory]
    [InlineData("ZK_HOST='s1:2181/solr'\n", "ZK_HOST='d1:2181,d2:2181,d3:2181/tenant'\n")]
    [InlineData("ZK_HOST=s1:2181/solr;export ZK_HOST\n", "ZK_HOST=d1:2181,d2:2181,d3:2181/tenant;export ZK_HOST\n")]
    [InlineData("ZK_HOST=s1:2181/solr", "ZK_HOST=d1:2181,d2:2181,d3:2181/tenant")]
    public void Write_SingleQuotedOrBare_QuotingKept(string original, string expected) => RoundTrips(original, ZkHost, expected);

    [Fact]
    public void Write_OnlyCommentedAssignment_RefusedAsMissing() =>
        Refused(ConnectStringFileProblem.KeyMissing, "#ZK_HOST=\"s1:2181\"\n  # export ZK_HOST=x\nZK_HOSTS=s1:2181\n", ZkHost);

    [Fact]
    public void Write_AssignedTwice_Refused() =>
        Refused(ConnectStringFileProblem.KeyDuplicated, "ZK_HOST=a:1\nexport ZK_HOST=\"b:1\"\n", ZkHost);

    [Fact]
    public void Write_DoubleQuotedShellMetacharacters_Escaped()
    {
        var hostile = new ConnectionString([new HostEndpoint("d1", 2181)], "/s$(id)`x`\"q");

        var written = ConnectStringFileFormats.Write("ZK_HOST=\"s1:2181\"\n", ZkHost, hostile);

        Assert.Equal("ZK_HOST=\"d1:2181/s\\$(id)\\`x\\`\\\"q\"\n", written);
        Assert.Equal("d1:2181/s$(id)`x`\"q", ConnectStringFileFormats.Read(written, ZkHost));
    }

    [Theory]
    [InlineData("ZK_HOST=s1:2181\n", "/a;rm -rf")]
    [InlineData("ZK_HOST=s1:2181\n", "/a$(id)")]
    [InlineData("ZK_HOST='s1:2181'\n", "/it's")]
    public void Write_ValueTheQuotingCannotHold_Refused(string original, string chroot) =>
        Refused(ConnectStringFileProblem.ValueRefused, original, ZkHost, new ConnectionString([new HostEndpoint("d1", 2181)], chroot));

    [Fact]
    public void Write_UnclosedQuote_RefusedAsMalformed() =>
        Refused(ConnectStringFileProblem.Malformed, "ZK_HOST=\"s1:2181,\ns2:2181\"\n", ZkHost);
}
