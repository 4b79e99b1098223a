using ZkMitosis.Agent.Tests.Support;
using ZkMitosis.Testing;

namespace ZkMitosis.Agent.Tests.Configuration;

/// <summary>The real binary with bad configs: it must stop before listening, naming each bad field.</summary>
public sealed class AgentConfigurationTests : IDisposable
{
    private readonly TestDirectory _directory = new("zkat-cfg");

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task Start_InvalidValues_ExitsWithEveryBadFieldNamed()
    {
        var path = Write("""{ "Role": "zookeper", "ListenPort": 70000, "Service": { "Backend": "command" }, "Firewall": { "Backend": "pf" } }""");

        var (exitCode, output) = await AgentProcess.RunExpectingFailureAsync(path);

        Assert.Equal(2, exitCode);
        Assert.Contains("Role: 'zookeper' is not a role", output, StringComparison.Ordinal);
        Assert.Contains("ListenPort", output, StringComparison.Ordinal);
        Assert.Contains("Service.ZooKeeperCommands: required", output, StringComparison.Ordinal);
        Assert.Contains("Firewall.Backend: 'pf'", output, StringComparison.Ordinal);
        Assert.Contains("Tls.CertificatePath: required unless Insecure is true", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_UnknownKey_ExitsNamingIt()
    {
        var path = Write("""{ "Role": "zookeeper", "Insecure": true, "ListenPrt": 1 }""");

        var (exitCode, output) = await AgentProcess.RunExpectingFailureAsync(path);

        Assert.Equal(2, exitCode);
        Assert.Contains("'ListenPrt'", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_MissingFile_ExitsNamingThePath()
    {
        var path = Path.Combine(_directory.Path, "absent.json");

        var (exitCode, output) = await AgentProcess.RunExpectingFailureAsync(path);

        Assert.Equal(2, exitCode);
        Assert.Contains($"{path}: no such file", output, StringComparison.Ordinal);
    }

    private string Write(string json)
    {
        var path = Path.Combine(_directory.Path, $"agent-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, json);
        return path;
    }
}
