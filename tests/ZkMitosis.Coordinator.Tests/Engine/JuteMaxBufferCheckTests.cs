using ZkMitosis.Coordinator.Engine;
using ZkMitosis.Coordinator.Engine.Steps;
using ZkMitosis.Coordinator.Tests.Support;
using ZkMitosis.Coordinator.Verification;

namespace ZkMitosis.Coordinator.Tests.Engine;

/// <summary>
/// jute.maxbuffer on both sides (issue 16): preflight refuses a destination below the source, baseline refuses a chroot
/// whose largest znode a destination cannot hold, each before anything changes, with a one-line reason.
/// </summary>
public sealed class JuteMaxBufferCheckTests
{
    private const long FourMiB = 4 * 1024 * 1024;

    [Fact]
    public async Task RunAsync_DestinationBelowSource_PreflightRefusesEveryLowerNodeAndChangesNothing()
    {
        using var harness = new EngineHarness(SamplePlans.Valid);
        harness.World.Nodes[2].JuteMaxBuffer = FourMiB;
        harness.World.Nodes[5].JuteMaxBuffer = FourMiB;

        var error = await Assert.ThrowsAsync<PreflightFailedException>(() => harness.RunAsync());

        var problems = error.Problems.Where(p => p.Contains("jute.maxbuffer", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, problems.Count);
        Assert.All(problems, p => Assert.DoesNotContain('\n', p));
        Assert.Contains(problems, p => p.StartsWith("destination server 4 (10.250.7.14): jute.maxbuffer is 1048575 bytes (fake), below source server 2 (10.250.7.12)'s 4194304 bytes (4.0 MiB)", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("destination server 6 (10.250.7.16): jute.maxbuffer is 1048575 bytes", StringComparison.Ordinal) && p.EndsWith("-Djute.maxbuffer=4194304 or more", StringComparison.Ordinal));
        Assert.DoesNotContain(harness.World.Calls, c => c.StartsWith("write-config", StringComparison.Ordinal) || c.StartsWith("lease", StringComparison.Ordinal));
    }

    [Fact]
    public async Task RunAsync_DestinationAtOrAboveSource_Migrates()
    {
        using var harness = new EngineHarness(SamplePlans.Valid);
        foreach (var node in harness.World.Nodes.Values)
        {
            node.JuteMaxBuffer = node.IsSource ? FourMiB : 2 * FourMiB;
        }

        harness.World.Nodes[4].JuteMaxBuffer = FourMiB;

        await harness.RunAsync();
    }

    [Fact]
    public async Task RunAsync_LargestZnodeAboveADestination_BaselineStopsBeforeTheJoin()
    {
        using var harness = new EngineHarness(SamplePlans.Valid);
        // The source's value could not be read (0), so preflight has nothing to compare; the chroot itself says it.
        foreach (var id in new[] { 1, 2, 3 })
        {
            harness.World.Nodes[id].JuteMaxBuffer = 0;
        }

        harness.World.Nodes[6].JuteMaxBuffer = FourMiB;
        harness.World.Chroot["/kafka/large"] = new ZnodeSummary(0, 0x100000003, false, 1572864);

        var error = await Assert.ThrowsAsync<StepFailedException>(() => harness.RunAsync());

        Assert.DoesNotContain('\n', error.Message);
        Assert.Contains("destination server 4 (10.250.7.14): jute.maxbuffer is 1048575 bytes (fake), but znode /kafka/large holds 1572864 bytes (1.5 MiB) of data", error.Message, StringComparison.Ordinal);
        Assert.Contains("destination server 5 (10.250.7.15)", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("destination server 6", error.Message, StringComparison.Ordinal);
        // Baseline and verify read Stats, not data: the znode's size is no reply the run's client must take.
        Assert.DoesNotContain("chroot: reading znode", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(harness.World.Calls, c => c.StartsWith("write-config", StringComparison.Ordinal) || c.StartsWith("write-myid", StringComparison.Ordinal));
    }

    [Fact]
    public void ChrootLimits_WidestNode_GetChildrenReplyCountsEveryNameWithItsLength()
    {
        var nodes = new Dictionary<string, ZnodeSummary>
        {
            ["/kafka"] = new(0, 1, false, 10),
            ["/kafka/a"] = new(0, 1, false, 700),
            ["/kafka/bb"] = new(0, 1, false, 0),
            ["/kafka/ccc"] = new(0, 1, true, 0),
            ["/kafka/bb/x"] = new(0, 1, false, 0),
        };

        var limits = ChrootLimits.From(new ChrootSnapshot(nodes, ""));

        Assert.Equal(("/kafka/a", 700L), (limits.LargestPath, limits.LargestData));
        Assert.Equal(("/kafka", 3), (limits.WidestPath, limits.WidestChildren));
        // Reply header 16, vector length 4, each name's length 4 plus its bytes: 16 + 4 + 5 + 6 + 7.
        Assert.Equal(38, limits.WidestReply);
    }

    [Fact]
    public void CheckTree_WidestListingAboveTheClientsReplyLimit_Problem()
    {
        var nodes = Enumerable.Range(0, 40_000).ToDictionary(i => $"/kafka/consumers-{i:D20}", _ => new ZnodeSummary(0, 1, false, 0));
        nodes["/kafka"] = new(0, 1, false, 0);
        var problems = new List<string>();

        JuteMaxBufferCheck.CheckTree(ChrootLimits.From(new ChrootSnapshot(nodes, "")), [], 0xfffff, problems);

        // 40,000 names of 30 bytes: 16 + 4 + 40,000 × (4 + 30) bytes.
        var problem = Assert.Single(problems);
        Assert.StartsWith("chroot: getChildren of /kafka (40000 children) takes a 1360020 bytes (1.3 MiB) reply, above the 1048575 bytes", problem, StringComparison.Ordinal);
    }
}
