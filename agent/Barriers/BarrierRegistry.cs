using System.Collections.Concurrent;
using ZkMitosis.Agent.Files;
using ZkMitosis.Agent.State;
using ZkMitosis.Agent.V1;

namespace ZkMitosis.Agent.Barriers;

/// <summary>
/// Armed barriers, in memory: an agent restart disarms them, which is the safe direction. What an earlier process had
/// armed is remembered from its operation records, so a Fire of such a barrier fails saying the arm was lost (arm
/// again), not as if it had never been armed.
/// </summary>
public sealed class BarrierRegistry
{
    private readonly ConcurrentDictionary<string, ArmedBarrier> _armed = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ArmedBarrier> _lostByRestart = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;

    public BarrierRegistry(TimeProvider time)
    {
        _time = time;
    }

    public void Arm(ArmedBarrier barrier)
    {
        _armed[barrier.BarrierId] = barrier;
        _lostByRestart.TryRemove(barrier.BarrierId, out _);
    }

    /// <summary>
    /// At agent start: barriers an earlier process armed (ArmBarrier done, not expired, not fired since) are lost with
    /// that process; remember them so a Fire names the cause.
    /// </summary>
    public void RememberArmsLostByRestart(IEnumerable<OperationRecord> records)
    {
        var now = _time.GetUtcNow();
        var list = records.Where(r => r.Status == OperationStates.Done && r.ResponseBase64 is not null).ToList();
        var fired = list.Where(r => r.Method == "FireBarrier")
            .Select(r => (FireBarrierResponse.Parser.ParseFrom(Convert.FromBase64String(r.ResponseBase64!)).BarrierId, r.AcceptedAt))
            .ToList();
        foreach (var record in list.Where(r => r.Method == "ArmBarrier"))
        {
            var armed = ArmBarrierResponse.Parser.ParseFrom(Convert.FromBase64String(record.ResponseBase64!));
            var expiresAt = armed.ExpiresAt.ToDateTimeOffset();
            if (expiresAt <= now || fired.Any(f => f.BarrierId == armed.BarrierId && f.AcceptedAt >= record.AcceptedAt))
            {
                continue;
            }

            _lostByRestart[armed.BarrierId] = new ArmedBarrier(armed.BarrierId, record.PlanId, new BarrierAction(), armed.ArmedAt.ToDateTimeOffset(), expiresAt);
        }
    }

    /// <summary>Removes and returns the armed barrier.</summary>
    /// <exception cref="NotArmedException">unknown, expired, or already fired or cancelled.</exception>
    /// <exception cref="PreconditionFailedException">armed by another plan ("PLAN"), or armed by an agent process that has since ended ("BARRIER").</exception>
    public ArmedBarrier Take(string barrierId, string planId)
    {
        if (!_armed.TryRemove(barrierId, out var barrier))
        {
            if (_lostByRestart.TryGetValue(barrierId, out var lost))
            {
                throw new PreconditionFailedException("BARRIER", barrierId,
                    $"barrier '{barrierId}' was armed at {lost.ArmedAt:O} (plan '{lost.PlanId}') by an agent process that has since ended; an armed barrier lives in memory, so it is not armed now: send the Arm again, then Fire.");
            }

            throw new NotArmedException(barrierId, "is not armed here (never armed, already fired, or cancelled)");
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

    public bool Cancel(string barrierId)
    {
        _lostByRestart.TryRemove(barrierId, out _);
        return _armed.TryRemove(barrierId, out _);
    }
}

/// <summary>Fire or Cancel named a barrier that is not armed. Maps to NOT_FOUND.</summary>
public sealed class NotArmedException(string barrierId, string problem) : Exception($"barrier '{barrierId}' {problem}")
{
    public string BarrierId { get; } = barrierId;
}
