namespace ZkMitosis.ZooKeeper.Tests;

public sealed class KeeperExceptionTests
{
    [Theory]
    [InlineData(KeeperErrorCode.ConnectionLoss, true)]
    [InlineData(KeeperErrorCode.OperationTimeout, true)]
    [InlineData(KeeperErrorCode.Throttled, true)]
    [InlineData(KeeperErrorCode.RequestTimeout, true)]
    [InlineData(KeeperErrorCode.SessionExpired, false)]
    [InlineData(KeeperErrorCode.NoNode, false)]
    [InlineData(KeeperErrorCode.BadVersion, false)]
    public void IsTransient_ByCode_MatchesRetryability(KeeperErrorCode code, bool transient) =>
        Assert.Equal(transient, new KeeperException(code, "/p").IsTransient);

    [Fact]
    public void Message_NamesCodeNumberAndPath()
    {
        var error = new KeeperException(KeeperErrorCode.NoNode, "/a/b");

        Assert.Equal("ZooKeeper error NoNode (-101) for /a/b", error.Message);
    }

    [Fact]
    public void Digest_KnownUser_MatchesZooKeeperDigest()
    {
        // The same id ZooKeeper's DigestAuthenticationProvider.generateDigest("super:test") gives.
        Assert.Equal("super:D/InIHSb7yEEbrWz8b9l71RjZJU=", ZooKeeperAcl.Digest("super", "test", ZooKeeperPermissions.All).Id);
    }
}
