using ZkMitosis.Coordinator.Agents;

namespace ZkMitosis.Coordinator.Engine;

/// <summary>
/// This run's leases on every agent of the plan: taken (with take-over only when <see cref="MigrationServices.TakeOverLeases"/>),
/// renewed in the background while steps run, released at the end. The holder is the run's stable identity
/// (<see cref="MigrationServices.RunId"/>), so any later process of the same run renews and releases them.
/// </summary>
public sealed class LeaseKeeper(MigrationServices services) : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private Task? _renewal;

    /// <summary>Floor of the lease's time to live: a coordinator that died leaves the hosts locked at most this long.</summary>
    public static readonly TimeSpan MinimumDuration = TimeSpan.FromMinutes(10);

    /// <summary>The agent's limit on a lease's time to live (agent.proto AcquireLeaseRequest.ttl).</summary>
    public static readonly TimeSpan MaximumDuration = TimeSpan.FromHours(24);

    /// <summary>
    /// The lease's time to live: at least <see cref="MinimumDuration"/> and four times the longest single wait of the
    /// plan, so that renewals every <see cref="RenewEvery"/> keep it alive through any step, even if one renewal fails.
    /// </summary>
    public TimeSpan Duration
    {
        get
        {
            var t = services.Plan.Timeouts;
            var longest = new[] { t.ServerStart + t.CatchUp, t.Election, t.BrokerRegistration, t.ServerStart + t.AgentCall }.Max();
            var wanted = longest * 4 > MinimumDuration ? longest * 4 : MinimumDuration;
            return wanted < MaximumDuration ? wanted : MaximumDuration;
        }
    }

    /// <summary>A third of <see cref="Duration"/>.</summary>
    public TimeSpan RenewEvery => Duration / 3;

    /// <summary>Whether this process holds the leases (taken or taken over); false after <see cref="ReleaseAsync"/>.</summary>
    public bool Held { get; private set; }

    private OperationContext Operation => new(services.Plan.PlanId, $"{services.Plan.PlanId}/lease", services.RunId);

    /// <summary>
    /// Takes the plan's lease on every agent and starts renewing it. If any agent refuses (another holder, another
    /// plan), releases those it took and throws naming the refusals: nothing else has been changed.
    /// </summary>
    /// <exception cref="StepFailedException">An agent refused or did not answer.</exception>
    public async Task AcquireAsync(string stepId, CancellationToken cancellationToken)
    {
        var addresses = services.Plan.AgentAddresses.Distinct(StringComparer.Ordinal).ToList();
        var results = await Task.WhenAll(addresses.Select(async address =>
        {
            try
            {
                await services.Agents.Get(address).AcquireLeaseAsync(Operation, Duration, services.TakeOverLeases, cancellationToken).ConfigureAwait(false);
                return (address, Error: (string?)null);
            }
            catch (AgentCallException e)
            {
                return (address, Error: e.Message);
            }
        })).ConfigureAwait(false);
        var refused = results.Where(r => r.Error is not null).ToList();
        if (refused.Count > 0)
        {
            // Do not keep a partial set: another coordinator (or plan) owns these hosts.
            await ReleaseOnAsync(results.Where(r => r.Error is null).Select(r => r.address), CancellationToken.None).ConfigureAwait(false);
            throw new StepFailedException(stepId, "could not take the lease on: " + string.Join("; ", refused.Select(r => $"{r.address}: {r.Error}"))
                + (services.TakeOverLeases ? "" : " (another coordinator may run this plan; only `migrate resume` or `migrate abort` of a plan takes its leases over)"));
        }

        Held = true;
        _renewal ??= Task.Run(() => RenewLoopAsync(_stop.Token), CancellationToken.None);
    }

    /// <summary>Stops renewing and releases the lease on every agent; a failure is reported as a warning (the lease expires by itself).</summary>
    public async Task ReleaseAsync(Action<string, string> warn, CancellationToken cancellationToken)
    {
        await StopRenewingAsync().ConfigureAwait(false);
        Held = false;
        foreach (var address in services.Plan.AgentAddresses.Distinct(StringComparer.Ordinal))
        {
            try
            {
                await services.Agents.Get(address).ReleaseLeaseAsync(Operation, cancellationToken).ConfigureAwait(false);
            }
            catch (AgentCallException e)
            {
                warn(address, $"could not release the lease: {e.Message} (it expires by itself)");
            }
        }
    }

    private async Task ReleaseOnAsync(IEnumerable<string> addresses, CancellationToken cancellationToken)
    {
        foreach (var address in addresses)
        {
            try
            {
                await services.Agents.Get(address).ReleaseLeaseAsync(Operation, cancellationToken).ConfigureAwait(false);
            }
            catch (AgentCallException)
            {
                // It expires by itself; the refusal is what the operator must read.
            }
        }
    }

    private async Task RenewLoopAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(RenewEvery, services.Time, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            foreach (var address in services.Plan.AgentAddresses.Distinct(StringComparer.Ordinal))
            {
                try
                {
                    await services.Agents.Get(address).AcquireLeaseAsync(Operation, Duration, takeOver: false, cancellationToken).ConfigureAwait(false);
                }
                catch (AgentCallException e)
                {
                    services.Events.Publish(new MigrationEvent(services.Time.GetUtcNow(), MigrationEventKind.Warning, null, $"lease renewal on {address} failed: {e.Message}", address));
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    private async Task StopRenewingAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        if (_renewal is not null)
        {
            await _renewal.ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopRenewingAsync().ConfigureAwait(false);
        _stop.Dispose();
    }
}
