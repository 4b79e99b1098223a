using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Xunit.Abstractions;
using ZkMitosis.Coordinator.Engine;
using ZkMitosis.Coordinator.Plans;
using ZkMitosis.Coordinator.Switch;
using ZkMitosis.Coordinator.Verification;
using ZkMitosis.Lab.Hosts;

namespace ZkMitosis.Coordinator.Tests.EndToEnd;

/// <summary>
/// A whole migration whose Kafka switch runs by rack in the lab: 9 broker stand-ins registering <c>broker.rack</c>
/// r1..r3 (rack-aware replicas, factor 3), min.insync.replicas 2. Kafka's partition state is polled all along.
/// </summary>
[Collection(MigrationLabCollection.Name)]
public sealed class BatchedSwitchLabTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Run_NineBrokersOnThreeRacks_ThreeBatchesNeverBelowMinIsr()
    {
        await using var lab = await MigrationLab.UpAsync(brokers: 9, racks: 3);
        var text = lab.Plan() + "switch:\n  batch: rack\n  minInsyncReplicas: 2\n";
        var plan = PlanLoader.Load(text);
        using var stop = new CancellationTokenSource();

        // Polled until the switch ends: after the cut the source expires the brokers' sessions, as it should.
        var events = new ListEvents(e =>
        {
            if (e.Kind is MigrationEventKind.StepCompleted or MigrationEventKind.StepFailed && e.Step == "switch-brokers")
            {
                stop.Cancel();
            }
        });
        var poll = PollAsync(plan, stop.Token);
        var options = new MigrationRunOptions { StateRoot = lab.StateRoot, Confirmation = new FixedConfirmation(true), Events = events };

        var report = await MigrationRunner.RunAsync(text, options, CancellationToken.None);
        await stop.CancelAsync();
        Assert.True(events.Messages.Count > 0);
        var (polls, belowMinIsr, mostDown) = await poll;

        output.WriteLine(report.ToText());
        var messages = events.Messages;
        foreach (var line in messages.Where(m => m.StartsWith("batch ", StringComparison.Ordinal) || m.StartsWith("planned", StringComparison.Ordinal) || m.StartsWith("re-projected", StringComparison.Ordinal)))
        {
            output.WriteLine(line);
        }

        output.WriteLine($"partition state polled {polls} times; most brokers down at once: {mostDown}; below min ISR seen: {belowMinIsr.Count}");
        foreach (var broker in lab.Brokers)
        {
            var pid = int.Parse(File.ReadAllText(broker.Layout.PidFile(HostLayout.KafkaService)).Trim(), CultureInfo.InvariantCulture);
            using var process = Process.GetProcessById(pid);
            output.WriteLine($"{broker.Name}: stand-in RSS {process.WorkingSet64 / (1024 * 1024)} MiB, running {(DateTime.Now - process.StartTime).TotalSeconds:0.0} s");
        }

        Assert.Equal("completed", report.Status);
        Assert.All(report.Checks, c => Assert.True(c.Passed, $"{c.Name}: {c.Detail}"));
        var batches = messages.Select(m => Regex.Match(m, @"^batch ([0-9]+)/3 \(rack (r[1-3]), brokers ([0-9,]+)\): safe with all of it down$")).Where(m => m.Success).ToList();
        Assert.Equal(["r1", "r2", "r3"], batches.Select(m => m.Groups[2].Value));
        Assert.Equal(["1,4,7", "2,5,8", "3,6,9"], batches.Select(m => m.Groups[3].Value));
        Assert.Empty(belowMinIsr);
        Assert.True(polls > 10, $"only {polls} polls of the partition state");
        Assert.InRange(mostDown, 2, 3);
        await lab.AssertStandInsWholeAsync(plan.DestinationConnect);
        await lab.AssertOtherTenantWholeAsync();
    }

    /// <summary>Reads Kafka's partitions from the joint ensemble until cancelled: partitions seen offline or under min ISR 2, and the most brokers unregistered at once.</summary>
    private static async Task<(int Polls, List<string> BelowMinIsr, int MostDown)> PollAsync(MigrationPlan plan, CancellationToken cancellationToken)
    {
        var inspector = new ZooKeeperClusterInspector();
        var below = new List<string>();
        var polls = 0;
        var mostDown = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                var topology = await inspector.ReadKafkaTopologyAsync(plan.Source, plan.Chroot, cancellationToken);
                polls++;
                mostDown = Math.Max(mostDown, plan.Brokers.Count(b => !topology.RegisteredRacks.ContainsKey(b.Id)));
                below.AddRange(topology.Partitions.Where(p => p.Leader < 0 || p.Isr.Count < 2).Select(p => $"{p.Name}: leader {p.Leader}, isr {BatchSafety.Join(p.Isr)}"));
                await Task.Delay(TimeSpan.FromMilliseconds(100), cancellationToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
            catch (Exception e) when (e is ZooKeeper.KeeperException or TimeoutException or IOException)
            {
                // The source is read through the migration; a read that fails is not a poll.
            }
        }

        return (polls, below, mostDown);
    }

    private sealed class ListEvents(Action<MigrationEvent> onEvent) : IMigrationEvents
    {
        private readonly List<string> _messages = [];

        public List<string> Messages
        {
            get
            {
                lock (_messages)
                {
                    return [.. _messages];
                }
            }
        }

        public void Publish(MigrationEvent migrationEvent)
        {
            lock (_messages)
            {
                _messages.Add(migrationEvent.Message);
            }

            onEvent(migrationEvent);
        }
    }
}
