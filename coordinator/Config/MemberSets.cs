using ZkMitosis.Coordinator.Plans;
using ZkMitosis.ZooKeeper.Config;

namespace ZkMitosis.Coordinator.Config;

/// <summary>The member lists each stage of a migration writes into the destination's (and source's) <c>zoo.cfg</c>.</summary>
public static class MemberSets
{
    public static ZooKeeperServerSpec Participant(ServerSpec s) => new(s.Id, s.Host, s.QuorumPort, s.ElectionPort, Observer: false);

    public static ZooKeeperServerSpec Observer(ServerSpec s) => new(s.Id, s.Host, s.QuorumPort, s.ElectionPort, Observer: true);

    /// <summary>Observer strategy, joining: the source's voters plus every destination node as an observer.</summary>
    public static IReadOnlyList<ZooKeeperServerSpec> ObserverJoin(MigrationPlan plan) =>
        plan.Source.Select(Participant).Concat(plan.Destination.Select(Observer)).ToList();

    /// <summary>Participant strategy, joining: the source's voters plus the joiners as voters (N = n + k).</summary>
    public static IReadOnlyList<ZooKeeperServerSpec> ParticipantJoin(MigrationPlan plan) =>
        plan.Source.Select(Participant).Concat(plan.Destination.Where(d => plan.Joiners.Contains(d.Id)).Select(Participant)).ToList();

    /// <summary>After the split: the destination's own voters only.</summary>
    public static IReadOnlyList<ZooKeeperServerSpec> DestinationOnly(MigrationPlan plan) => plan.Destination.Select(Participant).ToList();

    /// <summary>After the split: the source's own voters only.</summary>
    public static IReadOnlyList<ZooKeeperServerSpec> SourceOnly(MigrationPlan plan) => plan.Source.Select(Participant).ToList();
}
