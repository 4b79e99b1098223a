extern alias AgentServer;

using AgentServer::ZkMitosis.Agent.Configuration;
using AgentServer::ZkMitosis.Agent.DataDir;
using AgentServer::ZkMitosis.Agent.Files;
using AgentServer::ZkMitosis.Agent.Processes;
using AgentServer::ZkMitosis.Agent.Services;
using AgentServer::ZkMitosis.Agent.Status;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace ZkMitosis.Agent.Tests.Services;

/// <summary>
/// Stops through the systemd backend. systemd is not PID 1 on this machine, so a scripted <c>systemctl</c> plays the
/// unit: <c>stop --no-block</c> returns at once and leaves it deactivating until its process exits (or never, for a
/// process that ignores SIGTERM) or until <c>systemctl kill --signal=SIGKILL</c>.
/// </summary>
public sealed class SystemdStopTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Stop_KillAfterOnAUnitStuckDeactivating_KilledAfterTheGraceThenReportedStopped()
    {
        var systemctl = new ScriptedSystemctl { ExitsOnSigtermAfterPolls = null };

        var result = await Controller(systemctl).ControlAsync(ManagedService.ZooKeeper, ServiceControlAction.Stop, Timeout, ServiceReadiness.Process, TimeSpan.FromMilliseconds(200), CancellationToken.None);

        Assert.Equal(ServiceRunState.Stopped, result.State);
        Assert.Equal(["stop --no-block zookeeper.service", "kill --signal=SIGKILL zookeeper.service"], systemctl.Mutations);
        Assert.True(result.Elapsed >= TimeSpan.FromMilliseconds(200), $"killed after {result.Elapsed}, before the grace");
        // Polled through the grace, not spun: systemd's stop returns at once.
        Assert.InRange(systemctl.StatusCalls, 2, 20);
    }

    [Fact]
    public async Task Stop_KillAfterWithLessThanAMillisecondLeftAtAPoll_WaitsItOutWithoutSpinning()
    {
        // A timer counts whole milliseconds: a poll that wakes with a fraction of a millisecond of the grace left must
        // still wait, not call status until the clock passes the grace (on a real clock the timer and the clock differ
        // by such fractions; 141 status calls were seen). The fake clock makes the fraction certain: a grace of
        // 200.5 ms, polled every 25 ms, has 0.5 ms left at the eighth poll.
        var time = new FakeTimeProvider();
        var timers = new WholeMillisecondTimers(time);
        var systemctl = new ScriptedSystemctl { ExitsOnSigtermAfterPolls = null, SpinningAfterStatusCalls = 100 };

        var control = Controller(systemctl, timers).ControlAsync(ManagedService.ZooKeeper, ServiceControlAction.Stop, Timeout, ServiceReadiness.Process, TimeSpan.FromMilliseconds(200.5), CancellationToken.None);
        for (var poll = 0; poll < 8; poll++)
        {
            // Advance only once the stop has armed this poll's timer: an advance before it would be lost to the fake
            // clock (the timer would count from the later time), and the stop would wait forever (seen under load).
            await timers.WaitForPollTimersAsync(poll + 1);
            time.Advance(TimeSpan.FromMilliseconds(25));
        }

        await timers.WaitForPollTimersAsync(9);

        Assert.False(control.IsCompleted, $"the stop ended with 0.5 ms of the grace left: {control.Exception?.InnerException?.Message}");
        Assert.Equal(["stop --no-block zookeeper.service"], systemctl.Mutations);
        Assert.InRange(systemctl.StatusCalls, 2, 10);

        time.Advance(TimeSpan.FromMilliseconds(1));
        var result = await control.WaitAsync(Timeout);

        Assert.Equal(ServiceRunState.Stopped, result.State);
        Assert.Equal(["stop --no-block zookeeper.service", "kill --signal=SIGKILL zookeeper.service"], systemctl.Mutations);
        Assert.InRange(systemctl.StatusCalls, 2, 12);
    }

    [Fact]
    public async Task Stop_UnitDeactivatingForAWhile_StoppedOnlyOnceInactiveAndNotKilledWithoutKillAfter()
    {
        var systemctl = new ScriptedSystemctl { ExitsOnSigtermAfterPolls = 3 };

        var result = await Controller(systemctl).ControlAsync(ManagedService.ZooKeeper, ServiceControlAction.Stop, Timeout, ServiceReadiness.Process, killAfter: null, CancellationToken.None);

        Assert.Equal(ServiceRunState.Stopped, result.State);
        Assert.Equal(["stop --no-block zookeeper.service"], systemctl.Mutations);
        Assert.Equal("inactive", systemctl.State);
    }

    private static ServiceController Controller(ScriptedSystemctl systemctl, TimeProvider? time = null) =>
        new(new ServiceBackendFactory(Options.Create(new AgentOptions { Role = AgentRoles.ZooKeeper }), systemctl), new NoZooKeeper(), time ?? TimeProvider.System);

    /// <summary>systemctl for one active unit, answering is-active, show MainPID, stop --no-block and kill.</summary>
    private sealed class ScriptedSystemctl : ICommandRunner
    {
        private int _pollsWhileDeactivating;

        /// <summary>is-active polls after which a deactivating unit's process has exited by itself; null: never (it ignores SIGTERM).</summary>
        public int? ExitsOnSigtermAfterPolls { get; init; }

        public string State { get; private set; } = "active";

        public List<string> Mutations { get; } = [];

        public int StatusCalls { get; private set; }

        /// <summary>Status calls after which the caller is spinning: the call fails, so a busy loop ends instead of hanging the test.</summary>
        public int SpinningAfterStatusCalls { get; init; } = 1000;

        public Task<CommandResult> RunAsync(string fileName, IReadOnlyList<string> arguments, TimeSpan timeout, string? standardInput = null, CancellationToken cancellationToken = default)
        {
            Assert.Equal("systemctl", fileName);
            var command = string.Join(' ', arguments);
            lock (Mutations)
            {
                switch (arguments[0])
                {
                    case "is-active":
                        if (++StatusCalls > SpinningAfterStatusCalls)
                        {
                            throw new InvalidOperationException($"spinning: {StatusCalls} status calls");
                        }

                        if (State == "deactivating" && ExitsOnSigtermAfterPolls is { } polls && ++_pollsWhileDeactivating >= polls)
                        {
                            State = "inactive";
                        }

                        return Task.FromResult(new CommandResult(command, State == "active" ? 0 : 3, State + "\n", "", TimeSpan.Zero));
                    case "show":
                        return Task.FromResult(new CommandResult(command, 0, "4242\n", "", TimeSpan.Zero));
                    case "stop":
                        Mutations.Add(command);
                        State = "deactivating";
                        return Task.FromResult(new CommandResult(command, 0, "", "", TimeSpan.Zero));
                    case "kill":
                        Mutations.Add(command);
                        State = "inactive";
                        return Task.FromResult(new CommandResult(command, 0, "", "", TimeSpan.Zero));
                    default:
                        throw new InvalidOperationException($"unexpected systemctl {command}");
                }
            }
        }

        public Task<CommandResult> RunShellAsync(string command, TimeSpan timeout, CancellationToken cancellationToken = default) =>
            throw new InvalidOperationException($"the systemd backend runs no shell: {command}");
    }

    /// <summary>
    /// A fake clock whose one-shot timers count whole milliseconds as the system's do: <see cref="TimeProvider.System"/>
    /// truncates a due time to milliseconds, so a timer due in 0.5 ms fires at once, on the thread pool.
    /// </summary>
    private sealed class WholeMillisecondTimers(FakeTimeProvider clock) : TimeProvider
    {
        private static readonly TimeSpan PollTimer = TimeSpan.FromMilliseconds(25);
        private int _pollTimers;

        /// <summary>Waits (real time, at most 10 s) until <paramref name="count"/> poll timers (due within 25 ms) were created.</summary>
        public async Task WaitForPollTimersAsync(int count)
        {
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
            while (Volatile.Read(ref _pollTimers) < count)
            {
                Assert.True(DateTime.UtcNow < deadline, $"the stop armed {_pollTimers} poll timers, not {count}");
                await Task.Delay(TimeSpan.FromMilliseconds(2));
            }
        }

        public override long TimestampFrequency => clock.TimestampFrequency;

        public override long GetTimestamp() => clock.GetTimestamp();

        public override DateTimeOffset GetUtcNow() => clock.GetUtcNow();

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            Assert.Equal(global::System.Threading.Timeout.InfiniteTimeSpan, period);
            if (dueTime <= PollTimer)
            {
                Interlocked.Increment(ref _pollTimers);
            }

            var due = TimeSpan.FromTicks(dueTime.Ticks / TimeSpan.TicksPerMillisecond * TimeSpan.TicksPerMillisecond);
            if (due > TimeSpan.Zero)
            {
                return clock.CreateTimer(callback, state, due, period);
            }

            ThreadPool.QueueUserWorkItem(_ => callback(state));
            return clock.CreateTimer(_ => { }, null, global::System.Threading.Timeout.InfiniteTimeSpan, period);
        }
    }

    /// <summary>A stop asks nothing of the ZooKeeper server itself.</summary>
    private sealed class NoZooKeeper : ILocalZooKeeper
    {
        public ZooCfg LoadConfig() => throw new NotSupportedException();

        public DataDirInspection InspectDataDir() => throw new NotSupportedException();

        public (string Host, int Port) ElectionEndpoint() => throw new NotSupportedException();

        public Task<ZooKeeperLocalStatus> ReadStatusAsync(bool includeConnections, TimeSpan timeout, CancellationToken cancellationToken) => throw new NotSupportedException();
    }
}
