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

    [Fact]
    public async Task Start_KeyDoesNotMatchCertificate_ExitsTwoWithOneLine()
    {
        using var certificates = new TestCertificates();
        var zooCfg = Path.Combine(_directory.Path, "zoo.cfg");
        File.WriteAllText(zooCfg, $"dataDir={Path.Combine(_directory.Path, "data")}\n");
        var config = AgentProcess.ZooKeeperConfig(_directory.Path, zooCfg, FreePorts.Next(), FreePorts.Next(), certificates);
        config["Tls"]!["KeyPath"] = certificates.ClientKeyPath;
        var path = Write(config.ToJsonString());

        var (exitCode, output) = await AgentProcess.RunExpectingFailureAsync(path);

        Assert.Equal(2, exitCode);
        var line = Assert.Single(output.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains(certificates.ClientKeyPath, line, StringComparison.Ordinal);
        Assert.Contains("does not match", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_ZooCfgNamesAnotherDataDir_ExitsNamingBoth()
    {
        var zooCfg = Path.Combine(_directory.Path, "zoo.cfg");
        File.WriteAllText(zooCfg, "dataDir=/var/lib/elsewhere\n");
        var path = Write(AgentProcess.ZooKeeperConfig(_directory.Path, zooCfg, FreePorts.Next(), FreePorts.Next()).ToJsonString());

        var (exitCode, output) = await AgentProcess.RunExpectingFailureAsync(path);

        Assert.Equal(2, exitCode);
        Assert.Contains("ZooKeeper.DataDir", output, StringComparison.Ordinal);
        Assert.Contains("dataDir=/var/lib/elsewhere", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("DataDir", "relative/data", "ZooKeeper.DataDir")]
    [InlineData("DynamicConfigFile", "../zoo.cfg.dynamic", "ZooKeeper.DynamicConfigFile")]
    [InlineData("DynamicConfigFile", "/etc/zoo.cfg.dynamic", "ZooKeeper.DynamicConfigFile")]
    public async Task Start_BadZooKeeperPath_ExitsNamingTheField(string key, string value, string field)
    {
        var config = AgentProcess.ZooKeeperConfig(_directory.Path, Path.Combine(_directory.Path, "absent.cfg"), FreePorts.Next(), FreePorts.Next());
        config["ZooKeeper"]![key] = value;
        var path = Write(config.ToJsonString());

        var (exitCode, output) = await AgentProcess.RunExpectingFailureAsync(path);

        Assert.Equal(2, exitCode);
        Assert.Contains(field + ":", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_AgentCaFileMissing_ExitsWithOneLineNamingTheSettingAndPath()
    {
        var zooCfg = Path.Combine(_directory.Path, "zoo.cfg");
        File.WriteAllText(zooCfg, $"dataDir={Path.Combine(_directory.Path, "data")}\nsecureClientPort=2281\n");
        var absent = Path.Combine(_directory.Path, "pki", "absent-ca.pem");
        var config = AgentProcess.ZooKeeperConfig(_directory.Path, zooCfg, FreePorts.Next(), FreePorts.Next());
        config["ZooKeeper"]!["Security"] = new System.Text.Json.Nodes.JsonObject { ["AgentCaFile"] = absent };
        var path = Write(config.ToJsonString());

        var (exitCode, output) = await AgentProcess.RunExpectingFailureAsync(path);

        Assert.Equal(2, exitCode);
        var problems = output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => l.StartsWith("  ", StringComparison.Ordinal)).ToList();
        var line = Assert.Single(problems);
        Assert.Equal($"  ZooKeeper.Security.AgentCaFile: '{absent}' does not exist.", line);
    }

    private string Write(string json)
    {
        var path = Path.Combine(_directory.Path, $"agent-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, json);
        return path;
    }
}
