using System.Security.Cryptography;
using Grpc.Core;
using ZkMitosis.Agent.Tests.Support;
using ZkMitosis.Agent.V1;
using ZkMitosis.Testing;
using AgentTlsSettings = ZkMitosis.Coordinator.Agents.AgentTlsSettings;

namespace ZkMitosis.Agent.Tests.Grpc;

/// <summary>
/// RenderPlannedFiles (migrate check's dry run) against a real agent process whose node keeps its members in a
/// dynamic file: what it renders is byte for byte what the writes then leave, and rendering changes no file.
/// </summary>
public sealed class AgentRenderPlannedFilesTests : IAsyncLifetime
{
    private const string Plan = "plan-render";

    private readonly TestDirectory _directory = new("zkat-render");
    private AgentProcess? _agent;
    private global::Grpc.Net.Client.GrpcChannel? _channel;

    private string ZooCfg => Path.Combine(_directory.Path, "zoo.cfg");

    private string Dynamic => Path.Combine(_directory.Path, "zoo.cfg.dynamic");

    private string DataDir => Path.Combine(_directory.Path, "data");

    private ZkMitosis.Agent.V1.Agent.AgentClient Client => new(_channel!);

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(DataDir);
        await File.WriteAllTextAsync(ZooCfg, $"# operator's comment\ndataDir={DataDir}\nclientPort=2181\n4lw.commands.whitelist=*\ndynamicConfigFile={Dynamic}\n");
        await File.WriteAllTextAsync(Dynamic, "server.1=10.0.0.1:2888:3888\nserver.2=10.0.0.2:2888:3888\n");
        await File.WriteAllTextAsync(Path.Combine(DataDir, "myid"), "2\n");
        var config = AgentProcess.ZooKeeperConfig(_directory.Path, ZooCfg, FreePorts.Next(), FreePorts.Next());
        config["ZooKeeper"]!["DynamicConfigFile"] = "zoo.cfg.dynamic";
        _agent = await AgentProcess.StartAsync(config, _directory.Path);
        _channel = _agent.Connect(AgentTlsSettings.InsecureLab).Channel;
        await TestLease.TakeAsync(Client, Plan);
    }

    public async Task DisposeAsync()
    {
        if (_agent is not null)
        {
            await _agent.DisposeAsync();
        }

        _channel?.Dispose();
        _directory.Dispose();
    }

    [Fact]
    public async Task Render_ObserverJoin_IsWhatTheWritesLeaveAndChangesNothing()
    {
        // What the observer join sends: the members in zoo.cfg (ZooConfig.WithMembers drops dynamicConfigFile).
        var content = $"# operator's comment\ndataDir={DataDir}\nclientPort=2181\n4lw.commands.whitelist=*\npeerType=observer\n"
            + "server.1=10.0.0.1:2888:3888\nserver.2=10.0.0.2:2888:3888\nserver.4=10.0.0.4:2888:3888:observer\n";
        var before = Hashes();

        var rendered = await Client.RenderPlannedFilesAsync(new RenderPlannedFilesRequest { ZooCfgContent = content, ServerId = 4 }, deadline: Deadline);

        Assert.Equal(before, Hashes());
        var byKind = rendered.Files.ToDictionary(f => f.Kind);
        Assert.Equal(["zoo.cfg", "dynamic", "myid"], rendered.Files.Select(f => f.Kind));
        Assert.Equal(ZooCfg, byKind["zoo.cfg"].Path);
        Assert.Equal(Dynamic, byKind["dynamic"].Path);
        Assert.Contains($"dynamicConfigFile={Dynamic}", byKind["zoo.cfg"].PlannedContent, StringComparison.Ordinal);
        Assert.DoesNotContain("server.", byKind["zoo.cfg"].PlannedContent, StringComparison.Ordinal);
        Assert.Contains("server.4=10.0.0.4:2888:3888:observer", byKind["dynamic"].PlannedContent, StringComparison.Ordinal);
        Assert.Equal(await File.ReadAllTextAsync(Dynamic), byKind["dynamic"].CurrentContent);
        Assert.Equal("4\n", byKind["myid"].PlannedContent);
        Assert.All(rendered.Files, f => Assert.True(f.Changed));

        // The writes the run makes leave exactly what was rendered.
        var zooCfgSha = Convert.ToHexStringLower(SHA256.HashData(await File.ReadAllBytesAsync(ZooCfg)));
        await Client.WriteZooConfigAsync(new WriteZooConfigRequest { Context = TestLease.Context(Plan), Content = content, ExpectedSha256 = zooCfgSha }, deadline: Deadline);
        await Client.WriteMyIdAsync(new WriteMyIdRequest { Context = TestLease.Context(Plan), ServerId = 4, ExpectedSha256 = "*" }, deadline: Deadline);
        Assert.Equal(byKind["zoo.cfg"].PlannedContent, await File.ReadAllTextAsync(ZooCfg));
        Assert.Equal(byKind["dynamic"].PlannedContent, await File.ReadAllTextAsync(Dynamic));
        Assert.Equal(byKind["myid"].PlannedContent, await File.ReadAllTextAsync(Path.Combine(DataDir, "myid")));
    }

    [Fact]
    public async Task Render_ForeignDataDir_RefusedNamingTheFieldAndChangesNothing()
    {
        var before = Hashes();

        var error = await Assert.ThrowsAsync<RpcException>(() => Client.RenderPlannedFilesAsync(
            new RenderPlannedFilesRequest { ZooCfgContent = "dataDir=/etc\nclientPort=2181\n" }, deadline: Deadline).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains("dataDir", error.Status.Detail, StringComparison.Ordinal);
        Assert.Equal(before, Hashes());
    }

    private static DateTime Deadline => DateTime.UtcNow.AddSeconds(30);

    /// <summary>Every file under the test directory with its sha256 (config, dynamic file, data dir, agent state).</summary>
    private SortedDictionary<string, string> Hashes() =>
        new(Directory.EnumerateFiles(_directory.Path, "*", SearchOption.AllDirectories)
            .Where(f => !f.EndsWith(".log", StringComparison.Ordinal))
            .ToDictionary(f => f, f => Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(f)))), StringComparer.Ordinal);
}
