using ZkMitosis.Lab.Manifest;
using ZkMitosis.Lab.Servers;

namespace ZkMitosis.Lab.Tests;

[Collection(LabCollection.Name)]
public sealed class LabClusterTests
{
    [Fact]
    public async Task UpThenDown_SmallLab_LeavesNoNamespaceLinkProcessRuleOrDirectory()
    {
        LabRequirements.EnsureRootAndZooKeeper();
        var rulesBefore = await LabAssert.RootRulesAsync();
        var spec = await LabTestSpecs.CreateAsync(source: 1, destination: 1);
        int pid;
        await using (var lab = await LabCluster.UpAsync(spec))
        {
            pid = lab.ServicePid("zk1");
            Assert.True(ProcessSignals.IsAliveAndNotZombie(pid));
            var status = await lab.StatusAsync();
            Assert.Equal("leader", status.Hosts.Single(h => h.Name == "zk1").ZooKeeperMode);
            var destination = status.Hosts.Single(h => h.Name == "zk2");
            Assert.False(destination.ServiceRunning);
            // The destination is stopped and empty: myid only, no snapshot or transaction log.
            Assert.Equal(["myid"], Directory.GetFileSystemEntries(lab.Host("zk2").Layout.ZooKeeperDataDirectory).Select(Path.GetFileName));
            Assert.True(File.Exists(lab.Host("zk2").Layout.ZooCfg));
            Assert.Equal("up", LabManifest.Load(spec.EffectiveDirectory).State);

            var report = await lab.DownAsync();
            Assert.Equal(2, report.Namespaces);
        }

        Assert.False(ProcessSignals.IsAliveAndNotZombie(pid));
        await LabAssert.NothingLeftAsync(spec.EffectivePrefix, spec.EffectiveDirectory);
        Assert.Equal(rulesBefore, await LabAssert.RootRulesAsync());

        var again = await LabTeardown.DownAsync(null, spec.EffectivePrefix, spec.EffectiveDirectory);
        Assert.Equal(0, again.Namespaces + again.Links + again.Processes);
    }

    [Fact]
    public async Task Down_CrashBeforeManifestWasComplete_RemovesByPrefix()
    {
        LabRequirements.EnsureRootAndZooKeeper();
        var spec = await LabTestSpecs.CreateAsync(source: 1, destination: 1);
        var lab = await LabCluster.UpAsync(spec);
        var pid = lab.ServicePid("zk1");
        // As if lab up had crashed before recording the hosts: only discovery by prefix can find them.
        File.Delete(lab.Manifest.FilePath);

        var report = await LabTeardown.DownAsync(null, spec.EffectivePrefix, spec.EffectiveDirectory);

        Assert.Equal(2, report.Namespaces);
        Assert.False(ProcessSignals.IsAliveAndNotZombie(pid));
        await LabAssert.NothingLeftAsync(spec.EffectivePrefix, spec.EffectiveDirectory);
    }

    [Fact]
    public async Task Up_SizesOutOfRange_ClearErrorAndNothingBuilt()
    {
        var spec = await LabTestSpecs.CreateAsync() with { Source = 0, Brokers = 120 };

        var error = await Assert.ThrowsAsync<LabException>(() => LabCluster.UpAsync(spec));

        Assert.Contains("source: 0 is out of range (1–7)", error.Message, StringComparison.Ordinal);
        Assert.Contains("brokers: 120 is out of range (0–99)", error.Message, StringComparison.Ordinal);
        await LabAssert.NothingLeftAsync(spec.EffectivePrefix, spec.EffectiveDirectory);
    }

    [Fact]
    public async Task Up_NotRoot_ClearErrorAndNothingBuilt()
    {
        var spec = await LabTestSpecs.CreateAsync();
        var machine = LabPreflight.LabMachineFacts.Current with { IsRoot = false };

        var error = await Assert.ThrowsAsync<LabException>(() => LabCluster.UpAsync(spec, machine, null, CancellationToken.None));

        Assert.Contains("not running as root", error.Message, StringComparison.Ordinal);
        await LabAssert.NothingLeftAsync(spec.EffectivePrefix, spec.EffectiveDirectory);
    }

    [Fact]
    public async Task Up_ZooKeeperNotInstalled_ErrorNamesInstallCommandAndNothingBuilt()
    {
        var spec = await LabTestSpecs.CreateAsync();
        var machine = LabPreflight.LabMachineFacts.Current with { ZooKeeperJars = ["/nonexistent/zookeeper.jar"] };

        var error = await Assert.ThrowsAsync<LabException>(() => LabCluster.UpAsync(spec, machine, null, CancellationToken.None));

        Assert.Contains("ZooKeeper is not installed", error.Message, StringComparison.Ordinal);
        Assert.Contains(ZooKeeperInstallation.InstallCommand, error.Message, StringComparison.Ordinal);
        await LabAssert.NothingLeftAsync(spec.EffectivePrefix, spec.EffectiveDirectory);
    }

    [Fact]
    public async Task Up_ZooKeeperCannotStart_FailsWithItsLogAndRemovesEverythingBuilt()
    {
        LabRequirements.EnsureRootAndZooKeeper();
        // A zoo.cfg ZooKeeper refuses: the failure comes after namespaces, links and files exist.
        var spec = await LabTestSpecs.CreateAsync(source: 1, destination: 1) with
        {
            ZooKeeperOptions = new Dictionary<string, string> { ["clientPort"] = "not-a-port" },
        };

        var error = await Assert.ThrowsAsync<LabException>(() => LabCluster.UpAsync(spec));

        // Whether the script saw it exit or the wait did, the message names the host and carries ZooKeeper's complaint.
        Assert.Contains("zk1", error.Message, StringComparison.Ordinal);
        Assert.Contains("not-a-port", error.Message, StringComparison.Ordinal);
        await LabAssert.NothingLeftAsync(spec.EffectivePrefix, spec.EffectiveDirectory);
    }
}
