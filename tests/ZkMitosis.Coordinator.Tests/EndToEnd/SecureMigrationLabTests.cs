using System.Text.RegularExpressions;
using Xunit.Abstractions;
using ZkMitosis.Coordinator.Engine;
using ZkMitosis.Coordinator.Journal;
using ZkMitosis.Coordinator.Plans;
using ZkMitosis.Coordinator.Security;
using ZkMitosis.Coordinator.Stress;
using ZkMitosis.Lab.Hosts;
using ZkMitosis.Lab.Manifest;
using ZkMitosis.Lab.Security;
using ZkMitosis.Testing;
using ZkMitosis.ZooKeeper;

namespace ZkMitosis.Coordinator.Tests.EndToEnd;

/// <summary>
/// Issue 13 in the lab: a whole migration of secured ensembles (<c>lab up --secure</c>): TLS client ports, quorum TLS,
/// SASL DIGEST-MD5 required of every session, and Kafka's znodes owned by the brokers' SASL principal
/// (<c>zookeeper.set.acl=true</c>), one of them readable by no one else. The coordinator holds the owner's
/// credentials, no super user.
/// </summary>
[Collection(MigrationLabCollection.Name)]
public sealed partial class SecureMigrationLabTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Run_ObserverOnSecuredEnsembles_EveryWriteMovedQuorumTlsCarriedAclsExactNoPasswordShown()
    {
        // One broker stand-in: what security adds is the same for one as for three, and the suite's budget is tight.
        await using var lab = await MigrationLab.UpAsync(secure: true, brokers: 1);
        var text = lab.Plan();
        var plan = PlanLoader.Load(text);
        var source = EnsembleAccess.Source(plan);
        var destination = EnsembleAccess.Destination(plan);

        // The ensembles really are secured: a session without SASL is refused, and Kafka's SCRAM node is the owner's alone.
        var anonymous = new ZooKeeperClientOptions { Tls = source.ClientTlsOptions(), ConnectTimeout = TimeSpan.FromSeconds(5) };
        var refused = await Assert.ThrowsAnyAsync<KeeperException>(async () =>
        {
            await using var anonymousSession = await ZooKeeperClient.ConnectAsync(source.Hosts() + plan.Chroot, anonymous);
            await anonymousSession.GetDataAsync("/config/users/alice");
        });
        Assert.Equal(KeeperErrorCode.SessionClosedRequireSaslAuth, refused.Code);
        IReadOnlyList<ZooKeeperAcl> sourceScramAcl;
        await using (var owner = await source.ConnectAsync(plan.Chroot, new ZooKeeperClientOptions(), CancellationToken.None))
        {
            sourceScramAcl = (await owner.GetAclAsync("/config/users/alice")).Acl;
        }

        // The creator's identities (its SASL user; over mutual TLS also its certificate's x509 name), nobody else.
        Assert.Contains(new ZooKeeperAcl(ZooKeeperPermissions.All, "sasl", LabSecurity.KafkaUser), sourceScramAcl);
        Assert.DoesNotContain(sourceScramAcl, a => a.Scheme == "world");

        var run = await WorkloadMigration.RunAsync(lab, text, sessions: 2, output);

        // Every acknowledged write is on the destination, read over TLS with the owner's login; no session expired.
        await WorkloadMigration.AssertNothingLostAsync(lab, destination.Hosts() + plan.Chroot, run, destination.ClientSecurity());
        var reportText = run.Report.ToText();

        // The brokers were switched onto the destination's TLS ports, as they were on the source's.
        foreach (var broker in lab.Brokers)
        {
            var properties = await File.ReadAllTextAsync(broker.Layout.ServerProperties);
            Assert.Contains("zookeeper.connect=" + plan.DestinationConnectFor(plan.MovedTenants.Single()), properties, StringComparison.Ordinal);
            Assert.Contains($":{LabSecurity.SecureClientPort}", plan.DestinationConnectFor(plan.MovedTenants.Single()), StringComparison.Ordinal);
        }

        // The destination runs the source's security with its own files: quorum TLS, the TLS client port, SASL.
        foreach (var host in lab.Lab.Hosts.Where(h => h.Role == LabHostRole.Destination))
        {
            var zooCfg = await File.ReadAllTextAsync(host.Layout.ZooCfg);
            Assert.Contains("sslQuorum=true", zooCfg, StringComparison.Ordinal);
            Assert.Contains($"secureClientPort={LabSecurity.SecureClientPort}", zooCfg, StringComparison.Ordinal);
            Assert.Contains("ssl.quorum.keyStore.location=" + LabSecurity.KeyStore(host), zooCfg, StringComparison.Ordinal);
            Assert.Contains("sessionRequireClientSASLAuth=true", zooCfg, StringComparison.Ordinal);
        }

        // Kafka's configuration subtree, which the brokers do not write after the switch, is exact on the destination,
        // data, versions and ACLs, compared by the diff tool with the owner's credentials on both sides.
        var credentials = new[] { "tls-ca", LabSecurity.CaFile(lab.Lab.Manifest), "tls-cert", LabSecurity.CoordinatorCertificate(lab.Lab.Manifest), "tls-key", LabSecurity.CoordinatorKey(lab.Lab.Manifest), "sasl-credentials", LabSecurity.CoordinatorCredentials(lab.Lab.Manifest) };
        string[] diffArguments =
        [
            "diff", "--source", source.Hosts() + plan.Chroot + "/config", "--target", destination.Hosts() + plan.Chroot + "/config", "--faithful",
            .. credentials.Chunk(2).SelectMany(c => new[] { "--source-" + c[0], c[1] }),
            .. credentials.Chunk(2).SelectMany(c => new[] { "--target-" + c[0], c[1] }),
        ];
        var diff = await RealCli.RunAsync(diffArguments, TimeSpan.FromSeconds(60));
        output.WriteLine(diff.Output + diff.Error);
        Assert.True(diff.ExitCode == 0, $"diff of {plan.Chroot}/config: exit {diff.ExitCode}\n{diff.Output}{diff.Error}");
        await using (var owner = await destination.ConnectAsync(plan.Chroot, new ZooKeeperClientOptions(), CancellationToken.None))
        {
            Assert.Equal(sourceScramAcl, (await owner.GetAclAsync("/config/users/alice")).Acl);
        }

        AssertNoPasswordShown(lab, reportText + diff.Output + diff.Error);
    }

    /// <summary>
    /// Strategy copy between secured ensembles: the destination already serves its own tenant; the copy, the mirror and
    /// the verify reach both ensembles over TLS with the owner's SASL login (no super user), and the moved chroot is
    /// exact on the destination, ACLs included (the SCRAM node's creator-only ACL too).
    /// </summary>
    [Fact]
    public async Task Run_CopyOnSecuredEnsembles_EveryWriteMovedAclsExactResidentUntouchedNoPasswordShown()
    {
        // One broker stand-in: what security adds is the same for one as for three, and the suite's budget is tight.
        await using var lab = await MigrationLab.UpAsync(secure: true, brokers: 1);
        var text = lab.Plan("copy");
        var plan = PlanLoader.Load(text);
        var source = EnsembleAccess.Source(plan);
        var destination = EnsembleAccess.Destination(plan);
        await using var resident = await CopyStrategyLabTests.StartDestinationWithResidentAsync(lab, plan);
        await using var stress = await StressWorkload.StartAsync(new StressOptions { ConnectString = source.Hosts() + plan.Chroot, Sessions = 2, Security = source.ClientSecurity() }, CancellationToken.None);
        Task<StressResult>? stressStopped = null;
        var events = new CopyStrategyLabTests.CallbackEvents(e =>
        {
            // The stress sessions are part of the tenant: they stop when the block starts, as the brokers do.
            if (e.Kind == MigrationEventKind.StepStarted && e.Step == "block")
            {
                stressStopped = stress.StopAsync();
                stressStopped.Wait(TimeSpan.FromSeconds(30));
            }
        });
        var options = new MigrationRunOptions { StateRoot = lab.StateRoot, Confirmation = new FixedConfirmation(true), Events = events };

        var report = await MigrationRunner.RunAsync(text, options, CancellationToken.None);

        var reportText = report.ToText();
        output.WriteLine(reportText);
        var journal = JournalState.From(FileJournal.ReadExisting(new MigrationStore(lab.StateRoot).JournalPath(plan.PlanId)));
        Assert.Equal(0, journal.Observation("verify-copy", "diff:" + plan.Chroot)!["differences"]!.GetValue<long>());
        Assert.NotNull(stressStopped);
        var result = await stressStopped;
        var security = destination.ClientSecurity();
        var verification = await StressWorkload.VerifyAsync(destination.Hosts() + plan.Chroot, result, CancellationToken.None, security);
        await WorkloadMigration.AssertNothingLostAsync(lab, destination.Hosts() + plan.Chroot, (report, result, verification), security);
        Assert.Equal(ZooKeeperState.Connected, resident.State);

        // The copy wrote Kafka's ACLs as they are: the creator-only SCRAM node stays the owner's alone on the destination.
        await using var sourceOwner = await source.ConnectAsync(plan.Chroot, new ZooKeeperClientOptions(), CancellationToken.None);
        await using var destinationOwner = await destination.ConnectAsync(plan.Chroot, new ZooKeeperClientOptions(), CancellationToken.None);
        var scramAcl = (await destinationOwner.GetAclAsync("/config/users/alice")).Acl;
        Assert.Equal((await sourceOwner.GetAclAsync("/config/users/alice")).Acl, scramAcl);
        Assert.DoesNotContain(scramAcl, a => a.Scheme == "world");

        AssertNoPasswordShown(lab, reportText);
    }

    /// <summary>No password of the lab reached <paramref name="shown"/>, the coordinator's state (journal, reports) or any host's log.</summary>
    private static void AssertNoPasswordShown(MigrationLab lab, string shown)
    {
        var passwords = Directory.EnumerateFiles(lab.Lab.Manifest.Directory, "*", SearchOption.AllDirectories)
            .Where(f => f.EndsWith(".jaas", StringComparison.Ordinal) || f.EndsWith("jaas.conf", StringComparison.Ordinal))
            .SelectMany(f => JaasSecret().Matches(File.ReadAllText(f)).Select(m => m.Groups[1].Value))
            .ToHashSet(StringComparer.Ordinal);
        Assert.NotEmpty(passwords);
        var outputs = Directory.EnumerateFiles(lab.StateRoot, "*", SearchOption.AllDirectories)
            .Concat(lab.Lab.Hosts.SelectMany(h => Directory.Exists(h.Layout.LogDirectory) ? Directory.EnumerateFiles(h.Layout.LogDirectory, "*", SearchOption.AllDirectories) : []))
            .ToList();
        Assert.Contains(outputs, f => f.EndsWith(HostLayout.AgentService + ".log", StringComparison.Ordinal));
        foreach (var password in passwords)
        {
            Assert.DoesNotContain(password, shown, StringComparison.Ordinal);
            Assert.DoesNotContain(outputs, f => File.ReadAllText(f).Contains(password, StringComparison.Ordinal));
        }
    }

    /// <summary>A JAAS password or server-side user secret: <c>password="…"</c>, <c>user_NAME="…"</c>.</summary>
    [GeneratedRegex("(?:password|user_[a-z]+)=\"([^\"]+)\"")]
    private static partial Regex JaasSecret();
}
