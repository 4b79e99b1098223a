using System.Globalization;
using ZkMitosis.Coordinator.Engine;

namespace ZkMitosis.Bench;

/// <summary>Writes the migration's progress events, with their times, to a file: the timeline to read a slow window by.</summary>
internal sealed class EventLog(string path) : IMigrationEvents, IDisposable
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
    }

    public void Dispose() => _writer.Dispose();
}
