using ZkMitosis.Agent.Files;

namespace ZkMitosis.Agent.State;

/// <summary>
/// One lease per host: while plan A holds a live lease, mutating calls of any other plan are refused. A plan's lease is
/// renewed by its holder, or taken over explicitly (resume after the first coordinator crashed).
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
        Require("plan_id", planId);
        Require("holder", holder);
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

    /// <exception cref="PreconditionFailedException">another plan holds the lease.</exception>
    public void Release(string planId, string? holder)
    {
        Require("plan_id", planId);
        lock (_gate)
        {
            var existing = _store.ReadLease();
            if (existing is null || existing.ExpiresAt <= _time.GetUtcNow())
            {
                _store.SaveLease(null);
                return;
            }

            if (existing.PlanId != planId)
            {
                throw Conflict(existing, planId);
            }

            if (!string.IsNullOrEmpty(holder) && existing.Holder != holder)
            {
                throw new PreconditionFailedException("LEASE", planId, $"plan '{planId}' is held by '{existing.Holder}', not '{holder}'.");
            }

            _store.SaveLease(null);
        }
    }

    /// <summary>Refuses a mutating call of <paramref name="planId"/> while another plan's lease is live.</summary>
    /// <exception cref="PreconditionFailedException">another plan holds the lease.</exception>
    public void CheckMayMutate(string planId)
    {
        var live = Current;
        if (live is not null && live.PlanId != planId)
        {
            throw Conflict(live, planId);
        }
    }

    private static PreconditionFailedException Conflict(LeaseRecord live, string planId) =>
        new("LEASE", live.PlanId, $"this host is leased to plan '{live.PlanId}' (holder '{live.Holder}') until {live.ExpiresAt:O}; plan '{planId}' may not change it.");

    private static void Require(string field, string value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            throw new InvalidRequestException(field, "required");
        }
    }
}
