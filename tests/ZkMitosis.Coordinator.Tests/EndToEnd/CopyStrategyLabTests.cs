using System.Text;
using System.Text.Json;
using Xunit.Abstractions;
using ZkMitosis.Coordinator.Engine;
using ZkMitosis.Coordinator.Journal;
using ZkMitosis.Coordinator.Plans;
using ZkMitosis.Coordinator.Stress;
using ZkMitosis.Coordinator.Verification;
using ZkMitosis.Lab.Manifest;
using ZkMitosis.ZooKeeper;

namespace ZkMitosis.Coordinator.Tests.EndToEnd;

/// <summary>
/// Issue 15 in the lab: <c>strategy: copy</c> moves Kafka's chroot (three broker stand-ins writing, and the stress
/// workload) to a destination ensemble that already serves a tenant of its own.
/// </summary>
[Collection(MigrationLabCollection.Name)]
public sealed class CopyStrategyLabTests(ITestOutputHelper output)
{
    internal const string Resident = "/resident";

    [Fact]
    public async Task Run_CopyToADestinationServingAnotherTenant_EveryAcknowledgedWriteMovedResidentUntouchedBlockMeasured()
    {
        await using var lab = await MigrationLab.UpAsync();
        var text = lab.Plan("copy");
        var plan = PlanLoader.Load(text);

        await using var resident = await StartDestinationWithResidentAsync(lab, plan);
        var inspector = new ZooKeeperClusterInspector();
        var before = await inspector.SnapshotAsync(plan.Destination, Resident, CancellationToken.None);

        // A znode whose ACL the tenant changes while the mirror follows: setACL shows no watch event.
        var aclProbe = plan.Chroot + "/zkm-acl-probe";
        await using var source = await ZooKeeperClient.ConnectAsync(string.Join(',', plan.Source.Select(s => s.ClientEndpoint)));
        await source.CreateAsync(aclProbe, Encoding.ASCII.GetBytes("acl"));
        IReadOnlyList<ZooKeeperAcl> changedAcl = [new(ZooKeeperPermissions.Read | ZooKeeperPermissions.Write | ZooKeeperPermissions.Admin, "world", "anyone")];

        await using var stress = await StressWorkload.StartAsync(new StressOptions { ConnectString = plan.SourceConnect, Sessions = 4 }, CancellationToken.None);
        Task<StressResult>? stressStopped = null;
        var events = new CallbackEvents(e =>
        {
            // The stress sessions are part of the tenant: they stop when the block starts, as the brokers do; the
            // tenant's last act before is the setACL.
            if (e.Kind == MigrationEventKind.StepStarted && e.Step == "block")
            {
                source.SetAclAsync(aclProbe, changedAcl).Wait(TimeSpan.FromSeconds(30));
                stressStopped = stress.StopAsync();
                stressStopped.Wait(TimeSpan.FromSeconds(30));
            }
        });
        var options = new MigrationRunOptions { StateRoot = lab.StateRoot, Confirmation = new FixedConfirmation(true), Events = events };

        var report = await MigrationRunner.RunAsync(text, options, CancellationToken.None);

        output.WriteLine(report.ToText());
        Assert.Equal("completed", report.Status);
        var copy = Assert.IsType<ZkMitosis.Coordinator.Reporting.CopyBlockReport>(report.Copy);
        Assert.NotNull(copy.ZooKeeperBlockMs);
        Assert.NotNull(copy.TenantDowntimeMs);
        Assert.InRange(copy.ZooKeeperBlockMs.Value, 1, copy.TenantDowntimeMs.Value);
        output.WriteLine($"ZooKeeper-side block {copy.ZooKeeperBlockMs:0} ms, tenant downtime {copy.TenantDowntimeMs:0} ms");
        using (var json = JsonDocument.Parse(report.ToJson()))
        {
            Assert.True(json.RootElement.GetProperty("copy").GetProperty("zooKeeperBlockMs").GetDouble() > 0);
        }

        // The destination's copy was verified equal, faithfully, at the block.
        var journal = JournalState.From(FileJournal.ReadExisting(new MigrationStore(lab.StateRoot).JournalPath(plan.PlanId)));

        // The pre-copy read a source learner's data dir through its agent (preCopy: snapshot, the default), not the server.
        var preCopy = journal.Observation("pre-copy", "copy:" + plan.Chroot)!;
        output.WriteLine($"pre-copy: {preCopy.ToJsonString()}");
        Assert.Contains("snapshot", preCopy["readFrom"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.True(preCopy["snapshotZxid"]!.GetValue<long>() > 0, preCopy.ToJsonString());
        Assert.True(preCopy["created"]!.GetValue<long>() > 20, preCopy.ToJsonString());
        var diff = journal.Observation("verify-copy", "diff:" + plan.Chroot)!;
        Assert.Equal(0, diff["differences"]!.GetValue<long>());

        // At the block, both sides were read by their agents from the data dirs and compared in memory.
        Assert.Equal("from the data dirs", diff["read"]!.GetValue<string>());

        // The drain has no last re-scan: the verify found the ACL no watch showed and repaired it.
        var repair = journal.Observation("verify-copy", "repair:" + plan.Chroot)!;
        Assert.True(repair["aclUpdated"]!.GetValue<long>() >= 1, repair.ToJsonString());
        Assert.Equal(changedAcl, (await resident.GetAclAsync(aclProbe)).Acl);
        Assert.True(diff["compared"]!.GetValue<long>() > 20, diff.ToJsonString());

        // Every acknowledged write before the block is on the destination; no tenant session expired.
        Assert.NotNull(stressStopped);
        var stressResult = await stressStopped;
        var verification = await StressWorkload.VerifyAsync(plan.DestinationConnect, stressResult, CancellationToken.None);
        Assert.True(stressResult.AcknowledgedWrites > 0);
        Assert.Equal(0, verification.MissingWrites);
        Assert.Equal(0, stressResult.Expiries);
        await lab.AssertStandInsWholeAsync(plan.DestinationConnect);
        await lab.AssertOtherTenantWholeAsync();

        // The destination's own tenant: untouched, its session alive.
        var after = await inspector.SnapshotAsync(plan.Destination, Resident, CancellationToken.None);
        Assert.Equal(before.Digest, after.Digest);
        Assert.Equal(before.Nodes.Select(n => (n.Key, n.Value)), after.Nodes.Select(n => (n.Key, n.Value)));
        Assert.Equal(ZooKeeperState.Connected, resident.State);
        var live = await resident.ExistsAsync(Resident + "-live");
        Assert.Equal(resident.SessionId, live?.EphemeralOwner);
    }

    /// <summary>
    /// Abort after the block (the operator declines the point of no return): the brokers run on the source again, the
    /// destination's copy of the chroot is gone, its own tenant untouched.
    /// </summary>
    [Fact]
    public async Task Abort_AfterTheBlock_BrokersBackOnTheSourceCopyRemovedResidentUntouched()
    {
        await using var lab = await MigrationLab.UpAsync();
        var text = lab.Plan("copy");
        var plan = PlanLoader.Load(text);
        await using var resident = await StartDestinationWithResidentAsync(lab, plan);
        var inspector = new ZooKeeperClusterInspector();
        var before = await inspector.SnapshotAsync(plan.Destination, Resident, CancellationToken.None);
        var options = new MigrationRunOptions { StateRoot = lab.StateRoot, Confirmation = new FixedConfirmation(false) };

        var declined = await Assert.ThrowsAsync<MigrationFailedException>(() => MigrationRunner.RunAsync(text, options, CancellationToken.None));
        Assert.IsType<NotConfirmedException>(declined.InnerException);
        Assert.NotNull(await resident.ExistsAsync(plan.Chroot + "/brokers"));

        var report = await MigrationRunner.AbortAsync(plan.PlanId, options, CancellationToken.None);

        output.WriteLine(report.ToText());
        Assert.Equal("aborted", report.Status);
        Assert.Null(await resident.ExistsAsync(plan.Chroot));
        var kafka = await inspector.ReadKafkaStateAsync(plan.Source, plan.Chroot, CancellationToken.None);
        Assert.Equal(plan.Brokers.Select(b => b.Id).Order(), kafka.Brokers.Keys.Order());
        await lab.AssertStandInsWholeAsync(plan.SourceConnect);
        await lab.AssertOtherTenantWholeAsync();
        var after = await inspector.SnapshotAsync(plan.Destination, Resident, CancellationToken.None);
        Assert.Equal(before.Digest, after.Digest);
        Assert.Equal(before.Nodes.Select(n => (n.Key, n.Value)), after.Nodes.Select(n => (n.Key, n.Value)));
        Assert.Equal(resident.SessionId, (await resident.ExistsAsync(Resident + "-live"))?.EphemeralOwner);
    }

    /// <summary>Starts the destination as its own ensemble and gives it a resident tenant, whose live session is returned.</summary>
    internal static async Task<ZooKeeperClient> StartDestinationWithResidentAsync(MigrationLab lab, MigrationPlan plan)
    {
        foreach (var host in lab.Lab.Hosts.Where(h => h.Role == LabHostRole.Destination))
        {
            await lab.Lab.StartAsync(host.Name);
        }

        foreach (var host in lab.Lab.Hosts.Where(h => h.Role == LabHostRole.Destination))
        {
            await lab.Lab.WaitUntilServingAsync(host.Name, TimeSpan.FromSeconds(60));
        }

        // With the plan's security (a secured lab's destination requires TLS clients' SASL logins too).
        var client = await Security.EnsembleAccess.Destination(plan).ConnectAsync("", new ZooKeeperClientOptions(), CancellationToken.None);
        try
        {
            await WriteResidentAsync(client);
            return client;
        }
        catch
        {
            await client.DisposeAsync();
            throw;
        }
    }

    /// <summary>The destination's resident tenant: 100 znodes with data, a sequential one, a data version above 0, an ephemeral of its live session.</summary>
    private static async Task WriteResidentAsync(ZooKeeperClient client)
    {
        await client.CreateAsync(Resident, Encoding.ASCII.GetBytes("resident"));
        for (var i = 0; i < 100; i++)
        {
            await client.CreateAsync($"{Resident}/n{i:D3}", Encoding.ASCII.GetBytes($"resident {i}"));
        }

        await client.CreateAsync($"{Resident}/seq-", Encoding.ASCII.GetBytes("seq"), CreateMode.PersistentSequential);
        await client.SetDataAsync($"{Resident}/n000", Encoding.ASCII.GetBytes("resident 0, again"));
        await client.CreateAsync(Resident + "-live", Encoding.ASCII.GetBytes("live"), CreateMode.Ephemeral);
    }

    internal sealed class CallbackEvents(Action<MigrationEvent> onEvent) : IMigrationEvents
    {
        public void Publish(MigrationEvent migrationEvent) => onEvent(migrationEvent);
    }
}
