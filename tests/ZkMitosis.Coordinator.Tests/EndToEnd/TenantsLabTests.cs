using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Xunit.Abstractions;
using ZkMitosis.Coordinator.Engine;
using ZkMitosis.Coordinator.Plans;
using ZkMitosis.Lab.Hosts;
using ZkMitosis.Lab.Manifest;
using ZkMitosis.Testing;
using ZkMitosis.ZooKeeper;

namespace ZkMitosis.Coordinator.Tests.EndToEnd;

/// <summary>
/// Issue 14 in the lab: three tenants moved together — Kafka broker stand-ins, a Solr-like tenant (the tenant-host
/// STAND-IN reading <c>solr.in.sh</c>, registering under <c>/live_nodes</c>) and an HBase-like one (reading
/// <c>hbase-site.xml</c>, registering under <c>/hbase/rs</c>) — while a ClickHouse-like tenant (reading its
/// <c>config.d</c> XML, registering its replicas' <c>is_active</c>) stays on the source; then the destination is pruned
/// to exactly the moved chroots. Real ZooKeeper, real agents.
/// </summary>
[Collection(MigrationLabCollection.Name)]
public sealed class TenantsLabTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Run_KafkaSolrHBaseMovedClickHouseStays_EachSwitchedInItsOrderStayingTenantUntouchedPruneLeavesTheMovedChroots()
    {
        var clock = Stopwatch.StartNew();
        await using var lab = await MigrationLab.UpAsync(brokers: 2, tenants: ["solr", "hbase", "clickhouse"], staying: ["clickhouse"], tenantHosts: 2);
        output.WriteLine($"lab up in {clock.Elapsed.TotalSeconds:0.0} s");
        var text = lab.Plan();
        var plan = PlanLoader.Load(text);
        var solr = plan.Tenants.Single(t => t.Name == "solr");
        var hbase = plan.Tenants.Single(t => t.Name == "hbase");
        var clickhouse = plan.Tenants.Single(t => t.Name == "clickhouse");
        Assert.False(clickhouse.Moves);
        var solrHosts = Hosts(lab, "solr");
        var hbaseHosts = Hosts(lab, "hbase");
        var clickhouseHosts = Hosts(lab, "clickhouse");
        var solrFiles = solrHosts.ToDictionary(h => h.Name, h => File.ReadAllText(h.Layout.ProductConfig(h.TenantProduct!)));
        var clickhouseFiles = clickhouseHosts.ToDictionary(h => h.Name, h => File.ReadAllBytes(h.Layout.ProductConfig(h.TenantProduct!)));
        var clickhouseBefore = clickhouseHosts.ToDictionary(h => h.Name, h => State(h));
        var digestBefore = await StayingDigestAsync(lab.Lab.SourceConnectString + clickhouse.Chroot);

        // migrate check renders each moved tenant's planned file, in its own format, and none for the tenant that stays.
        var planPath = Path.Combine(lab.StateRoot, "..", "plan.yaml");
        await File.WriteAllTextAsync(planPath, text);
        {
            var check = await RealCli.RunAsync(["migrate", "check", planPath], TimeSpan.FromMinutes(2));
            check.AssertExit(0);
            foreach (var host in solrHosts)
            {
                Assert.Contains($"{host.Layout.ProductConfig(host.TenantProduct!)} (before switch-solr-", check.Output, StringComparison.Ordinal);
            }

            Assert.Contains($"-ZK_HOST=\"{solr.ConnectFor(plan.Source)}\"", check.Output, StringComparison.Ordinal);
            Assert.Contains($"+ZK_HOST=\"{solr.ConnectFor(plan.Destination)}\"", check.Output, StringComparison.Ordinal);
            Assert.Contains("+zookeeper.connect=" + plan.DestinationConnect, check.Output, StringComparison.Ordinal);
            Assert.DoesNotContain("zookeeper.xml", check.Output, StringComparison.Ordinal);
        }

        Assert.All(solrHosts, h => Assert.Equal(solrFiles[h.Name], File.ReadAllText(h.Layout.ProductConfig(h.TenantProduct!))));
        clock.Restart();

        var report = await MigrationRunner.RunAsync(text, new MigrationRunOptions { StateRoot = lab.StateRoot, Confirmation = new FixedConfirmation(true) }, CancellationToken.None);

        output.WriteLine($"migration in {clock.Elapsed.TotalSeconds:0.0} s");
        output.WriteLine(report.ToText());
        Assert.Equal("completed", report.Status);
        Assert.All(report.Checks, c => Assert.True(c.Passed, $"{c.Name}: {c.Detail}"));
        Assert.Contains(report.Checks, c => c.Name == "solr-sessions-survived");
        Assert.Contains(report.Checks, c => c.Name == "hbase-sessions-survived");

        // Each moved tenant in its own order, every health gate passed, all before the point of no return.
        var switches = report.Timeline.Where(s => s.Step.StartsWith("switch-", StringComparison.Ordinal)).ToList();
        Assert.Equal(["switch-broker-1", "switch-broker-2", "switch-solr-1", "switch-solr-2", "switch-hbase-1", "switch-hbase-2"], switches.Select(s => s.Step));
        Assert.All(switches, s => Assert.Equal("done", s.Outcome));
        var pointOfNoReturn = report.Timeline.Single(s => s.Step == "point-of-no-return").Started!.Value;
        Assert.All(switches, s => Assert.True(s.Ended <= pointOfNoReturn));
        Assert.True(switches.Zip(switches.Skip(1)).All(p => p.First.Ended <= p.Second.Started), "the switches overlapped");

        // The moved tenants: on the destination, restarted with it, nothing lost, no session expired.
        await lab.AssertStandInsWholeAsync(plan.DestinationConnect);
        foreach (var host in solrHosts)
        {
            var state = State(host);
            Assert.Equal(solr.ConnectFor(plan.Destination), state.GetProperty("connectString").GetString());
            Assert.Equal(0, state.GetProperty("sessionExpiries").GetInt32());
            Assert.True(state.GetProperty("registered").GetBoolean());
            await AssertWritesOnAsync(host, solr.ConnectFor(plan.Destination));
            var now = File.ReadAllText(host.Layout.ProductConfig(host.TenantProduct!));
            Assert.Equal(WithoutZkHost(solrFiles[host.Name]), WithoutZkHost(now));
        }

        foreach (var host in hbaseHosts)
        {
            var state = State(host);
            Assert.Equal(hbase.ConnectFor(plan.Destination), state.GetProperty("connectString").GetString());
            Assert.Equal(0, state.GetProperty("sessionExpiries").GetInt32());
            Assert.True(state.GetProperty("registered").GetBoolean());
            await AssertWritesOnAsync(host, hbase.ConnectFor(plan.Destination));
        }

        // The staying tenant: its file, its sessions and its znodes untouched, still served by the source.
        var digestAfter = await StayingDigestAsync(lab.Lab.SourceConnectString + clickhouse.Chroot);
        Assert.Equal(digestBefore, digestAfter);
        foreach (var host in clickhouseHosts)
        {
            Assert.Equal(clickhouseFiles[host.Name], File.ReadAllBytes(host.Layout.ProductConfig(host.TenantProduct!)));
            var before = clickhouseBefore[host.Name];
            var after = State(host);
            Assert.Equal(before.GetProperty("sessionId").GetString(), after.GetProperty("sessionId").GetString());
            Assert.Equal(before.GetProperty("sessions").GetInt32(), after.GetProperty("sessions").GetInt32());
            Assert.Equal(0, after.GetProperty("sessionExpiries").GetInt32());
            Assert.Equal(clickhouse.ConnectFor(plan.Source), after.GetProperty("connectString").GetString());
            await AssertWritesOnAsync(host, clickhouse.ConnectFor(plan.Source));
            await AssertStillWritingAsync(host);
        }

        await lab.AssertOtherTenantWholeAsync();
        Assert.Equal(["/clickhouse", "/other"], report.CopiedData!.Roots);

        // Cleanup: the prune is refused while copied sessions of the staying tenant still own ephemerals on the
        // destination (they expire there after their timeout), then leaves exactly the moved chroots and /zookeeper.
        var pruned = await PruneWhenAllowedAsync(plan.PlanId, lab.StateRoot);
        output.WriteLine($"pruned {pruned.Deleted} znodes under {string.Join(", ", pruned.ExtraRoots)}");
        Assert.Equal(["/clickhouse", "/other"], pruned.ExtraRoots);
        var destinationHosts = (ZooKeeper.Connection.ConnectionString.Parse(plan.DestinationConnect) with { Chroot = null }).ToString();
        await using (var destination = await ZooKeeperClient.ConnectAsync(destinationHosts, new ZooKeeperClientOptions(), CancellationToken.None))
        {
            var roots = (await destination.GetChildrenAsync("/")).Children.Order(StringComparer.Ordinal);
            Assert.Equal(["hbase", "kafka", "solr", "zookeeper"], roots);
        }

        Assert.NotNull(MigrationRunner.Status(plan.PlanId, lab.StateRoot).CopiedData!.PrunedAt);
    }

    /// <summary>Runs the destination prune until it is no longer refused for live ephemerals (bounded: 2 minutes).</summary>
    private async Task<Coordinator.Cleanup.PruneResult> PruneWhenAllowedAsync(string planId, string stateRoot)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(2);
        while (true)
        {
            try
            {
                return await Coordinator.Cleanup.CleanupRunner.PruneDestinationAsync(planId, stateRoot, dryRun: false, CancellationToken.None);
            }
            catch (Coordinator.Cleanup.CleanupRefusedException e) when (DateTime.UtcNow < deadline)
            {
                output.WriteLine($"prune refused (retrying): {e.Message}");
                await Task.Delay(TimeSpan.FromSeconds(2));
            }
        }
    }

    private static List<LabHost> Hosts(MigrationLab lab, string product) =>
        lab.Lab.Hosts.Where(h => h.Role == LabHostRole.TenantProduct && h.Product == product).ToList();

    private static JsonElement State(LabHost host) => MigrationLab.ReadState(host.Layout.ProductStandInState(host.TenantProduct!));

    private static string WithoutZkHost(string text) =>
        string.Join('\n', text.Split('\n').Where(l => !l.StartsWith("ZK_HOST=", StringComparison.Ordinal)));

    /// <summary>Every serial the host's stand-in recorded as acknowledged is on <paramref name="connect"/> (hosts and chroot).</summary>
    private static async Task AssertWritesOnAsync(LabHost host, string connect)
    {
        var state = State(host);
        var last = state.GetProperty("lastAcknowledgedSerial").GetInt64();
        Assert.True(last > 0, $"{host.Name} acknowledged nothing");
        var missing = await MigrationLab.MissingAcknowledgedAsync(connect, state.GetProperty("writePathPrefix").GetString()!, last);
        Assert.True(missing.Count == 0, $"{host.Name}: {missing.Count} acknowledged writes missing on {connect}, first {string.Join(", ", missing.Take(5))}");
    }

    /// <summary>The host keeps acknowledging writes after the migration (bounded wait).</summary>
    private static async Task AssertStillWritingAsync(LabHost host)
    {
        var start = State(host).GetProperty("lastAcknowledgedSerial").GetInt64();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        while (State(host).GetProperty("lastAcknowledgedSerial").GetInt64() < start + 3)
        {
            Assert.True(DateTime.UtcNow < deadline, $"{host.Name} stopped writing on the source after the migration");
            await Task.Delay(100);
        }
    }

    /// <summary>
    /// SHA-256 over the staying tenant's znodes (path, data, version, czxid, ephemeral owner), its replication log aside
    /// (its replicas keep appending to it): a session lost or a znode touched changes it.
    /// </summary>
    private static async Task<string> StayingDigestAsync(string connect)
    {
        await using var client = await ZooKeeperClient.ConnectAsync(connect);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var pending = new Stack<string>(["/"]);
        var count = 0;
        while (pending.TryPop(out var path))
        {
            if (path == LabTenantProduct.ClickHouseTable + "/log")
            {
                continue;
            }

            var data = await client.GetDataAsync(path);
            count++;
            hash.AppendData(Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{path}\n{data.Stat.Version} {data.Stat.Czxid} {data.Stat.EphemeralOwner}\n")));
            hash.AppendData(data.Data);
            foreach (var child in (await client.GetChildrenAsync(path)).Children.Order(StringComparer.Ordinal).Reverse())
            {
                pending.Push(path == "/" ? "/" + child : path + "/" + child);
            }
        }

        Assert.True(count >= 8, $"only {count} znodes under {connect}");
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }
}
