using System.Diagnostics;
using System.Text.RegularExpressions;
using Xunit.Abstractions;
using ZkMitosis.Coordinator.Engine;
using ZkMitosis.Coordinator.Plans;
using ZkMitosis.Coordinator.Switch;
using ZkMitosis.Lab.Hosts;

namespace ZkMitosis.Coordinator.Tests.EndToEnd;

/// <summary>
/// A whole migration whose Kafka switch runs by rack in the lab: broker stand-ins registering <c>broker.rack</c>
/// r1..r3 (rack-aware replicas, factor 3), min.insync.replicas 2. Kafka's partition state is polled all along the
/// switch; every stand-in's memory and last start (the switch's restart) are printed.
/// </summary>
[Collection(MigrationLabCollection.Name)]
public sealed class BatchedSwitchLabTests(ITestOutputHelper output)
{
    /// <summary>
    /// The scale of the lab: 30 stand-ins (each a separately restartable service with its own agent), 30 partitions.
    /// It replaced the 9-stand-in run, which checked the same things on fewer brokers, to keep the suite's time.
    /// </summary>
    [Fact]
    public async Task Run_ThirtyBrokersOnThreeRacks_ThreeBatchesOfTenNeverOfflineNorBelowMinIsr()
    {
        var footprints = await RunByRackAsync(brokers: 30, partitionsPerTopic: 10);

        // Each broker is its own process, restarted by its own agent during the switch (the footprints are of those
        // restarts): one process per broker, each registered again.
        Assert.Equal(30, footprints.Select(f => f.Pid).Distinct().Count());
        Assert.All(footprints, f => Assert.NotNull(f.StartToRegistered));
    }

    private async Task<IReadOnlyList<StandInFootprint>> RunByRackAsync(int brokers, int partitionsPerTopic)
    {
        var clock = Stopwatch.StartNew();
        await using var lab = await MigrationLab.UpAsync(brokers: brokers, racks: 3, partitionsPerTopic: partitionsPerTopic);
        output.WriteLine($"lab up with {brokers} broker stand-ins in {clock.Elapsed.TotalSeconds:0.0} s");
        output.WriteLine("after lab up: " + StandInFootprint.Summarize(lab.Brokers.Select(StandInFootprint.Measure).OfType<StandInFootprint>().ToList()));
        var text = lab.Plan() + "switch:\n  batch: rack\n  minInsyncReplicas: 2\n";
        var plan = PlanLoader.Load(text);
        using var stop = new CancellationTokenSource();

        // Polled until the switch ends: after the cut the source expires the brokers' sessions, as it should.
        var events = new RecordingEvents(e =>
        {
            if (e.Kind is MigrationEventKind.StepCompleted or MigrationEventKind.StepFailed && e.Step == "switch-brokers")
            {
                stop.Cancel();
            }
        });
        var poll = new PartitionStateWatch(plan.SourceConnect, plan.Brokers.Select(b => b.Id).ToList(), 2, TimeSpan.FromMilliseconds(100)).RunAsync(stop.Token);
        var options = new MigrationRunOptions { StateRoot = lab.StateRoot, Confirmation = new FixedConfirmation(true), Events = events };

        clock.Restart();
        var report = await MigrationRunner.RunAsync(text, options, CancellationToken.None);
        await stop.CancelAsync();
        var watch = await poll;

        output.WriteLine(report.ToText());
        output.WriteLine($"migration in {clock.Elapsed.TotalSeconds:0.0} s");
        var messages = events.Messages;
        foreach (var line in messages.Where(m => m.StartsWith("batch ", StringComparison.Ordinal) || m.StartsWith("planned", StringComparison.Ordinal) || m.StartsWith("re-projected", StringComparison.Ordinal)))
        {
            output.WriteLine(line);
        }

        output.WriteLine($"partition state polled {watch.Polls} times; most brokers down at once: {watch.MostBrokersDown}; offline seen: {watch.Offline.Count}; below min ISR seen: {watch.UnderMinIsr.Count}");
        var footprints = lab.Brokers.Select(StandInFootprint.Measure).OfType<StandInFootprint>().ToList();
        output.WriteLine("after the switch: " + StandInFootprint.Summarize(footprints));
        foreach (var f in footprints)
        {
            output.WriteLine($"{f.Host}: RSS {f.RssMiB:0.0} MiB (peak {f.PeakRssMiB:0.0}, private {f.PrivateMiB:0.0}), runtime start {f.RuntimeStart?.TotalMilliseconds:0} ms, exec to registered {f.StartToRegistered?.TotalMilliseconds:0} ms");
        }

        Assert.Equal("completed", report.Status);
        Assert.All(report.Checks, c => Assert.True(c.Passed, $"{c.Name}: {c.Detail}"));
        var perRack = brokers / 3;
        var batches = messages.Select(m => Regex.Match(m, @"^batch ([0-9]+)/3 \(rack (r[1-3]), brokers ([0-9,]+)\): safe with all of it down$")).Where(m => m.Success).ToList();
        Assert.Equal(["r1", "r2", "r3"], batches.Select(m => m.Groups[2].Value));
        Assert.Equal(
            Enumerable.Range(1, 3).Select(r => string.Join(",", Enumerable.Range(0, perRack).Select(k => r + (3 * k)))),
            batches.Select(m => m.Groups[3].Value));
        Assert.Empty(watch.Offline);
        Assert.Empty(watch.UnderMinIsr);
        Assert.True(watch.Polls > 10, $"only {watch.Polls} polls of the partition state");
        Assert.InRange(watch.MostBrokersDown, 2, perRack);
        Assert.Equal(brokers, footprints.Count);
        await lab.AssertStandInsWholeAsync(plan.DestinationConnect);
        await lab.AssertOtherTenantWholeAsync();
        return footprints;
    }
}
