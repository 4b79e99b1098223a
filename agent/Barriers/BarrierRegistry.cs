using System.Collections.Concurrent;
using ZkMitosis.Agent.Files;

namespace ZkMitosis.Agent.Barriers;

/// <summary>Armed barriers, in memory: an agent restart disarms them, which is the safe direction (Fire then fails clearly).</summary>
public sealed class BarrierRegistry
{
    private readonly ConcurrentDictionary<string, ArmedBarrier> _armed = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;

    public BarrierRegistry(TimeProvider time)
    {
        _time = time;
    }

    public void Arm(ArmedBarrier barrier) => _armed[barrier.BarrierId] = barrier;

    /// <summary>Removes and returns the armed barrier.</summary>
    /// <exception cref="NotArmedException">unknown, expired, or armed by another plan.</exception>
    public ArmedBarrier Take(string barrierId, string planId)
    {
        if (!_armed.TryRemove(barrierId, out var barrier))
        {
            throw new NotArmedException(barrierId, "is not armed here (never armed, already fired, cancelled, or the agent restarted)");
        }

        if (barrier.ExpiresAt <= _time.GetUtcNow())
        {
            throw new NotArmedException(barrierId, $"expired at {barrier.ExpiresAt:O}");
        }

        if (barrier.PlanId != planId)
        {
            _armed.TryAdd(barrierId, barrier);
            throw new PreconditionFailedException("PLAN", barrierId, $"barrier '{barrierId}' was armed by plan '{barrier.PlanId}', not '{planId}'.");
        }

        return barrier;
    }

    public bool Cancel(string barrierId) => _armed.TryRemove(barrierId, out _);
}

/// <summary>Fire or Cancel named a barrier that is not armed. Maps to NOT_FOUND.</summary>
public sealed class NotArmedException(string barrierId, string problem) : Exception($"barrier '{barrierId}' {problem}")
{
    public string BarrierId { get; } = barrierId;
}
