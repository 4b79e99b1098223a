using System.Globalization;
using ZkMitosis.Coordinator.Engine;

namespace ZkMitosis.Bench;

/// <summary>
/// Writes the migration's progress events, with their times, to a file: the timeline to read a slow window by; each
/// is also handed to <paramref name="also"/> when given (a bench that acts at a step's start or end).
/// </summary>
internal sealed class EventLog(string path, Action<MigrationEvent>? also = null) : IMigrationEvents, IDisposable
{
    private readonly StreamWriter _writer = new(path) { AutoFlush = true };

    public void Publish(MigrationEvent migrationEvent)
    {
        var line = string.Create(CultureInfo.InvariantCulture,
            $"{migrationEvent.At:HH:mm:ss.fff} {migrationEvent.Kind,-9} {migrationEvent.Step,-20} {migrationEvent.Host,-18} {migrationEvent.Message}");
        lock (_writer)
        {
            _writer.WriteLine(line);
        }

        also?.Invoke(migrationEvent);
    }

    public void Dispose() => _writer.Dispose();
}
