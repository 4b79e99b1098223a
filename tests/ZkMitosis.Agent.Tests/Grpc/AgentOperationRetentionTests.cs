using System.Text.Json.Nodes;
using Grpc.Core;
using ZkMitosis.Agent.Tests.Support;
using ZkMitosis.Agent.V1;
using ZkMitosis.Testing;

namespace ZkMitosis.Agent.Tests.Grpc;

/// <summary>
/// Operation records do not pile up forever: a finished record older than <c>OperationRetentionDays</c> is removed
/// when the agent starts and when a plan takes the lease (not when it renews it), unless it belongs to the lease's plan, which a coordinator
/// may still resume. Records are aged by rewriting their times on disk while the agent is stopped.
/// </summary>
public sealed class AgentOperationRetentionTests : IAsyncLifetime
{
    private const string OldPlan = "plan-old";
    private const string LeasePlan = "plan-lease";
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    private readonly TestDirectory _directory = new("zkat-retain");
    private JsonObject? _config;
    private readonly RestartableAgent _agent;

    public AgentOperationRetentionTests() => _agent = new RestartableAgent(_directory.Path);

    private ZkMitosis.Agent.V1.Agent.AgentClient Client => _agent.Client;

    private string OperationsDirectory => Path.Combine(_directory.Path, "state", "operations");

    public async Task InitializeAsync()
    {
        var zooCfg = Path.Combine(_directory.Path, "zoo.cfg");
        await File.WriteAllTextAsync(zooCfg, $"dataDir={Path.Combine(_directory.Path, "data")}\nclientPort={FreePorts.Next()}\n");
        _config = AgentProcess.ZooKeeperConfig(_directory.Path, zooCfg, FreePorts.Next(), FreePorts.Next());
        _config["OperationRetentionDays"] = 30;
        await _agent.StartAsync(_config!);
    }

    public async Task DisposeAsync()
    {
        await _agent.StopAsync();
        _directory.Dispose();
    }

    [Fact]
    public async Task AgentStart_FinishedRecordsOlderThanRetention_RemovedExceptTheLeasePlansAndRecentOnes()
    {
        await TestLease.TakeAsync(Client, OldPlan);
        var aged = await WriteMyIdAsync(OldPlan, "aged", 1);
        var recent = await WriteMyIdAsync(OldPlan, "recent", 2);
        await TestLease.ReleaseAsync(Client, OldPlan);
        await TestLease.TakeAsync(Client, LeasePlan);
        var leasePlans = await WriteMyIdAsync(LeasePlan, "kept", 3);

        await _agent.StopAsync();
        AgeRecord(aged, TimeSpan.FromDays(31));
        AgeRecord(leasePlans, TimeSpan.FromDays(400));
        AgeRecord(recent, TimeSpan.FromDays(29));
        await _agent.StartAsync(_config!);

        await AssertGoneAsync(aged);
        Assert.Equal(OperationStatus.Done, (await GetAsync(recent)).Status);
        Assert.Equal(OperationStatus.Done, (await GetAsync(leasePlans)).Status);
        Assert.Equal(2, Directory.GetFiles(OperationsDirectory, "*.json").Length);
    }

    [Fact]
    public async Task AcquireLease_ByANewPlan_RemovesAgedRecordsOfOtherPlansWithoutARestart()
    {
        await TestLease.TakeAsync(Client, OldPlan);
        var aged = await WriteMyIdAsync(OldPlan, "aged", 1);
        await TestLease.ReleaseAsync(Client, OldPlan);
        AgeRecord(aged, TimeSpan.FromDays(31)); // records are read from disk on every call: no restart needed
        Assert.Equal(OperationStatus.Done, (await GetAsync(aged)).Status);

        await TestLease.TakeAsync(Client, LeasePlan);

        await AssertGoneAsync(aged);
    }

    [Fact]
    public async Task AcquireLease_RenewalOfTheHeldPlan_DoesNotPrune()
    {
        await TestLease.TakeAsync(Client, OldPlan);
        var aged = await WriteMyIdAsync(OldPlan, "aged", 1);
        await TestLease.ReleaseAsync(Client, OldPlan);
        await TestLease.TakeAsync(Client, LeasePlan);
        AgeRecord(aged, TimeSpan.FromDays(31));

        await TestLease.TakeAsync(Client, LeasePlan); // the coordinator's LeaseKeeper renews this way

        Assert.Equal(OperationStatus.Done, (await GetAsync(aged)).Status);
    }

    private async Task<string> WriteMyIdAsync(string plan, string name, long serverId)
    {
        var id = $"{plan}/myid/{name}";
        await Client.WriteMyIdAsync(new WriteMyIdRequest { Context = TestLease.Context(plan, id), ServerId = serverId, ExpectedSha256 = "*" }, deadline: DateTime.UtcNow + Bound);
        return id;
    }

    private async Task<GetOperationResponse> GetAsync(string operationId) =>
        await Client.GetOperationAsync(new GetOperationRequest { OperationId = operationId }, deadline: DateTime.UtcNow + Bound);

    private async Task AssertGoneAsync(string operationId)
    {
        var missing = await Assert.ThrowsAsync<RpcException>(() => GetAsync(operationId));
        Assert.Equal(StatusCode.NotFound, missing.StatusCode);
    }

    /// <summary>Moves a record's accepted and finished times <paramref name="age"/> into the past .</summary>
    private void AgeRecord(string operationId, TimeSpan age)
    {
        foreach (var path in Directory.GetFiles(OperationsDirectory, "*.json"))
        {
            var record = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
            if ((string?)record["operationId"] != operationId)
            {
                continue;
            }

            var then = DateTimeOffset.UtcNow - age;
            record["acceptedAt"] = then.ToString("O");
            record["finishedAt"] = then.AddSeconds(1).ToString("O");
            File.WriteAllText(path, record.ToJsonString());
            return;
        }

        throw new InvalidOperationException($"no record of {operationId} in {OperationsDirectory}");
    }
}
