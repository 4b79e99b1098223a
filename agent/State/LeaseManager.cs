using ZkMitosis.Agent.Files;

namespace ZkMitosis.Agent.State;

/// <summary>
/// One lease per host, a fencing token: a mutating call needs the live lease of its plan held by its holder. A plan's
/// lease is renewed by its holder, or taken over explicitly by the same plan (resume or abort after the first
/// coordinator crashed); another plan's live lease never moves.
/// </summary>
public sealed class LeaseManager
{
    public static readonly TimeSpan DefaultTtl = TimeSpan.FromMinutes(10);
    public static readonly TimeSpan MaxTtl = TimeSpan.FromHours(24);

    private readonly IAgentStateStore _store;
    private readonly TimeProvider _time;
    private readonly Lock _gate = new();

    public LeaseManager(IAgentStateStore store, TimeProvider time)
    {
        _store = store;
        _time = time;
    }

    /// <summary>The live lease, or null (an expired one counts as none).</summary>
    public LeaseRecord? Current
    {
        get
        {
            lock (_gate)
            {
                var lease = _store.ReadLease();
                return lease is not null && lease.ExpiresAt > _time.GetUtcNow() ? lease : null;
            }
        }
    }

    /// <exception cref="PreconditionFailedException">another plan (or holder, without take-over) holds a live lease.</exception>
    /// <exception cref="InvalidRequestException">plan id, holder or ttl malformed.</exception>
    public LeaseRecord Acquire(string planId, string holder, TimeSpan? ttl, bool takeOver, IEnumerable<string>? destinationHosts = null)
    {
        Identifiers.RequireId("plan_id", planId);
        Identifiers.RequireText("holder", holder);
        foreach (var host in destinationHosts ?? [])
        {
            Identifiers.RequireText("destination_hosts", host);
        }

        var duration = ttl is null || ttl == TimeSpan.Zero ? DefaultTtl : ttl.Value;
        if (duration < TimeSpan.Zero || duration > MaxTtl)
        {
            throw new InvalidRequestException("ttl", $"{duration} is outside 0-{MaxTtl}");
        }

        lock (_gate)
        {
            var now = _time.GetUtcNow();
            var existing = _store.ReadLease();
            var live = existing is not null && existing.ExpiresAt > now ? existing : null;
            if (live is not null && live.PlanId != planId)
            {
                throw Conflict(live, planId);
            }

            if (live is not null && live.Holder != holder && !takeOver)
            {
                throw new PreconditionFailedException("LEASE", planId, $"plan '{planId}' is held by '{live.Holder}' until {live.ExpiresAt:O}; pass take_over to take it from that holder.");
            }

            var lease = new LeaseRecord
            {
                PlanId = planId,
                Holder = holder,
                AcquiredAt = live is not null && live.Holder == holder ? live.AcquiredAt : now,
                ExpiresAt = now + duration,
                DestinationHosts = destinationHosts?.ToList() ?? [],
            };
            _store.SaveLease(lease);
            return lease;
        }
    }

    /// <summary>Releases the plan's lease; a no-op when no live lease is held.</summary>
    /// <exception cref="InvalidRequestException">plan id or holder missing or malformed (an empty holder releases nothing).</exception>
    /// <exception cref="PreconditionFailedException">another plan, or another holder of this plan, holds the lease.</exception>
    public void Release(string planId, string? holder)
    {
        Identifiers.RequireId("plan_id", planId);
        Identifiers.RequireText("holder", holder);
        lock (_gate)
        {
            var existing = _store.ReadLease();
            if (existing is null || existing.ExpiresAt <= _time.GetUtcNow())
            {
                if (existing is not null)
                {
                    _store.SaveLease(null);
                }

                return;
            }

            if (existing.PlanId != planId)
            {
                throw Conflict(existing, planId);
            }

            if (existing.Holder != holder)
            {
                throw OtherHolder(existing, holder!);
            }

            _store.SaveLease(null);
        }
    }

    /// <summary>
    /// Refuses a mutating call unless the live lease is of <paramref name="planId"/> and held by
    /// <paramref name="holder"/> (the call's MutationContext.lease_holder).
    /// </summary>
    /// <exception cref="PreconditionFailedException">no live lease, another plan's, or another holder's ("LEASE").</exception>
    public void CheckMayMutate(string planId, string holder)
    {
        var live = Current ?? throw new PreconditionFailedException("LEASE", planId,
            $"this host holds no live lease; take plan '{planId}'s lease first (AcquireLease) and send its holder with every change.");
        if (live.PlanId != planId)
        {
            throw Conflict(live, planId);
        }

        if (live.Holder != holder)
        {
            throw OtherHolder(live, holder);
        }
    }

    private static PreconditionFailedException Conflict(LeaseRecord live, string planId) =>
        new("LEASE", live.PlanId, $"this host is leased to plan '{live.PlanId}' (holder '{live.Holder}') until {live.ExpiresAt:O}; plan '{planId}' may not change it.");

    private static PreconditionFailedException OtherHolder(LeaseRecord live, string holder) =>
        new("LEASE", live.PlanId, $"plan '{live.PlanId}'s lease is held by '{live.Holder}' until {live.ExpiresAt:O}, not by '{holder}'; only an explicit resume or abort of the plan takes it over.");
}
