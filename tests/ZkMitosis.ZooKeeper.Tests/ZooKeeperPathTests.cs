namespace ZkMitosis.ZooKeeper.Tests;

public sealed class ZooKeeperPathTests
{
    [Theory]
    [InlineData("/")]
    [InlineData("/a")]
    [InlineData("/a/b-c_d.e")]
    [InlineData("/zookeeper/config")]
    [InlineData("/ünïcödé")]
    public void Validate_GoodPath_Accepted(string path) => ZooKeeperPath.Validate(path);

    [Theory]
    [InlineData("", "empty")]
    [InlineData("a", "start with '/'")]
    [InlineData("/a/", "end with '/'")]
    [InlineData("/a//b", "empty node name")]
    [InlineData("/a/./b", "relative node name '.'")]
    [InlineData("/a/..", "relative node name '..'")]
    [InlineData("/a\0b", "null character")]
    [InlineData("/a\u0001", "invalid character U+0001")]
    [InlineData("/a\ue000", "invalid character U+E000")]
    public void Validate_BadPath_ArgumentExceptionNamesPathAndProblem(string path, string problem)
    {
        var error = Assert.Throws<ArgumentException>(() => ZooKeeperPath.Validate(path));

        Assert.Contains($"'{path}'", error.Message, StringComparison.Ordinal);
        Assert.Contains(problem, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_TrailingSlashForSequential_Accepted()
    {
        ZooKeeperPath.Validate("/queue/", allowSequentialSuffix: true);

        Assert.Throws<ArgumentException>(() => ZooKeeperPath.Validate("/queue/", allowSequentialSuffix: false));
    }

    [Fact]
    public void Validate_Null_ArgumentException() =>
        Assert.Throws<ArgumentException>(() => ZooKeeperPath.Validate(null!));
}
