using ZkMitosis.Coordinator.Engine;

namespace ZkMitosis.Coordinator.Tests.EndToEnd;

/// <summary>Keeps every migration event's message (thread-safe) and hands each event to <paramref name="onEvent"/>.</summary>
internal sealed class RecordingEvents(Action<MigrationEvent> onEvent) : IMigrationEvents
{
    private readonly List<string> _messages = [];

    /// <summary>A copy of the messages so far, in order.</summary>
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
