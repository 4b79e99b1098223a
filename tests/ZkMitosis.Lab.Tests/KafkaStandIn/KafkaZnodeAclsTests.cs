using ZkMitosis.KafkaStandIn;
using ZkMitosis.ZooKeeper;

namespace ZkMitosis.Lab.Tests.KafkaStandIn;

public sealed class KafkaZnodeAclsTests
{
    private static readonly ZooKeeperAcl Creator = new(ZooKeeperPermissions.All, "auth", "");
    private static readonly ZooKeeperAcl WorldRead = new(ZooKeeperPermissions.Read, "world", "anyone");

    [Theory]
    [InlineData("/brokers/ids/1")]
    [InlineData("/controller")]
    [InlineData("/config/topics/t")]
    [InlineData("/config")]
    public void For_SecureOrdinaryPath_CreatorAllAndWorldRead(string path)
    {
        Assert.Equal([Creator, WorldRead], KafkaZnodeAcls.For(path, secure: true));
    }

    [Theory]
    [InlineData("/config/users")]
    [InlineData("/config/users/alice")]
    [InlineData("/config/brokers/1")]
    [InlineData("/delegation_token/tokens/t1")]
    public void For_SecureSensitivePath_CreatorOnly(string path)
    {
        Assert.True(KafkaZnodeAcls.IsSensitivePath(path));
        Assert.Equal([Creator], KafkaZnodeAcls.For(path, secure: true));
    }

    [Theory]
    [InlineData("/config/users/alice", false)]
    [InlineData("/consumers", true)]
    public void For_NotSecureOrConsumers_OpenUnsafe(string path, bool secure)
    {
        Assert.Equal(ZooKeeperAcl.OpenUnsafe, KafkaZnodeAcls.For(path, secure));
    }
}
