using System.Globalization;

namespace ZkMitosis.Coordinator.Verification;

/// <summary>
/// Positive proof that a tenant host left the source: the session that owns its ephemeral registration was established
/// on a destination server. ZooKeeper puts the id of the server that created a session in the session id's top byte
/// (<c>SessionTrackerImpl.initializeNextSessionId</c>: <c>(time &lt;&lt; 24) &gt;&gt;&gt; 8 | sid &lt;&lt; 56</c>, used by the
/// leader's tracker and, since 3.5, by every follower's and observer's <c>LearnerSessionTracker</c>), and a session keeps
/// its id when its client moves to another server. So an owner whose top byte is a destination sid was created by a
/// client connected to a destination server: the host restarted with the destination's connect string. Unlike "no
/// connection on the source" (<c>cons</c>), this needs no four-letter word the source may not allow.
/// </summary>
/// <param name="Tenant">The tenant's name.</param>
/// <param name="Host">The tenant host (for Kafka, <c>broker N</c> and its agent), or the registration's name when the tenant's registrations do not name their hosts.</param>
/// <param name="Registration">The ephemeral znode read (full path, chroot included).</param>
/// <param name="SessionId">Its <c>ephemeralOwner</c>; 0 when the znode was missing.</param>
/// <param name="EstablishedOn">The server id in the session id's top byte.</param>
/// <param name="OnDestination">True when <paramref name="EstablishedOn"/> is a destination server.</param>
public sealed record LeftSourceEvidence(string Tenant, string Host, string Registration, long SessionId, int EstablishedOn, bool OnDestination)
{
    /// <summary>The id of the server that created <paramref name="sessionId"/>: its top byte.</summary>
    public static int ServerIdOf(long sessionId) => (int)((ulong)sessionId >> 56);

    /// <summary>
    /// The evidence for one registration: <paramref name="owner"/> null (missing znode) or established on a server
    /// outside <paramref name="destinationIds"/> is not proof.
    /// </summary>
    public static LeftSourceEvidence Judge(string tenant, string host, string registration, long? owner, IReadOnlySet<int> destinationIds)
    {
        ArgumentNullException.ThrowIfNull(destinationIds);
        var session = owner ?? 0;
        var server = ServerIdOf(session);
        return new LeftSourceEvidence(tenant, host, registration, session, server, owner is not null && destinationIds.Contains(server));
    }

    /// <summary>One line for the report and the step's progress messages.</summary>
    public string Describe() => SessionId == 0
        ? $"{Host}: {Registration} is not registered"
        : string.Create(CultureInfo.InvariantCulture,
            $"{Host}: {Registration} owned by session 0x{SessionId:x16}, established on {(OnDestination ? "destination" : "non-destination")} server {EstablishedOn}");
}
