namespace ZkMitosis.Coordinator.Engine;

/// <summary>Publishes each event to several receivers in order (the console and the metrics, say).</summary>
public sealed class MigrationEventFanOut(params IMigrationEvents[] receivers) : IMigrationEvents
{
    public void Publish(MigrationEvent migrationEvent)
    {
        foreach (var receiver in receivers)
        {
            receiver.Publish(migrationEvent);
        }
    }
}
