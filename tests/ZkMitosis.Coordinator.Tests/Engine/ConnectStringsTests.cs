using ZkMitosis.Coordinator.Engine;

namespace ZkMitosis.Coordinator.Tests.Engine;

public sealed class ConnectStringsTests
{
    [Theory]
    [InlineData("zk1/kafka", "zk1:2181/kafka")]
    [InlineData("zk1:2181,zk2:2181/kafka", "zk2,ZK1/kafka")]
    [InlineData("[fd00::11]:2181,[fd00::12]/kafka", "[fd00::12]:2181,[fd00::11]:2181/kafka")]
    [InlineData("zk1:2181/kafka/", "zk1:2181/kafka")]
    [InlineData("[fd00:0:0:0:0:0:0:11]:2181/kafka", "[FD00::11]/kafka")]
    [InlineData(" zk1:2181 , zk2:2181 ", "zk2:2181,zk1:2181")]
    public void SameEnsemble_SameServersWrittenDifferently_True(string a, string b)
    {
        Assert.True(ConnectStrings.SameEnsemble(a, b));
        Assert.True(ConnectStrings.SameEnsemble(b, a));
    }

    [Theory]
    [InlineData("zk1:2181/kafka", "zk1:2182/kafka")]
    [InlineData("zk1:2181/kafka", "zk1:2181/kafka2")]
    [InlineData("zk1:2181/kafka", "zk1:2181")]
    [InlineData("zk1:2181,zk2:2181/kafka", "zk1:2181/kafka")]
    [InlineData("zk1:99999/kafka", "zk1:99999/kafka")]
    [InlineData("fd00::11:2181/kafka", "fd00::11:2181/kafka")]
    [InlineData("", "")]
    [InlineData(null, "zk1:2181")]
    public void SameEnsemble_OtherServersChrootOrMalformed_False(string? a, string? b)
    {
        Assert.False(ConnectStrings.SameEnsemble(a, b));
    }

    [Theory]
    [InlineData("10.0.0.5", "10.0.0.5")]
    [InlineData("/10.0.0.5:41234", "10.0.0.5")]
    [InlineData("fd00::31", "fd00::31")]
    [InlineData("fd00:0:0:0:0:0:0:31", "fd00::31")]
    [InlineData("/[fd00:0:0:0:0:0:0:31]:41234", "fd00::31")]
    [InlineData("[FD00::31]", "fd00::31")]
    [InlineData("Kafka1", "kafka1")]
    public void HostOfClientAddress_AnySpelling_CanonicalHost(string address, string host) =>
        Assert.Equal(host, ConnectStrings.HostOfClientAddress(address));
}
