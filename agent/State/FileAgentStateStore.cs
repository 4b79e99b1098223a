using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;
using ZkMitosis.Agent.Configuration;

namespace ZkMitosis.Agent.State;

/// <summary>
/// State as JSON files under the state directory: <c>operations/SHA.json</c> (one per operation id) and
/// <c>lease.json</c>, each written atomically.
/// </summary>
public sealed class FileAgentStateStore : IAgentStateStore
{
    private readonly string _directory;

    public FileAgentStateStore(IOptions<AgentOptions> options)
    {
        _directory = options.Value.StateDirectory;
    }

    private string OperationsDirectory => Path.Combine(_directory, "operations");

    private string LeasePath => Path.Combine(_directory, "lease.json");

    public OperationRecord? FindOperation(string operationId)
    {
        var path = OperationPath(operationId);
        return File.Exists(path) ? JsonSerializer.Deserialize(File.ReadAllText(path), StateJsonContext.Default.OperationRecord) : null;
    }

    public void SaveOperation(OperationRecord record)
    {
        Directory.CreateDirectory(OperationsDirectory);
        Write(OperationPath(record.OperationId), JsonSerializer.Serialize(record, StateJsonContext.Default.OperationRecord));
    }

    public LeaseRecord? ReadLease() =>
        File.Exists(LeasePath) ? JsonSerializer.Deserialize(File.ReadAllText(LeasePath), StateJsonContext.Default.LeaseRecord) : null;

    public void SaveLease(LeaseRecord? lease)
    {
        if (lease is null)
        {
            File.Delete(LeasePath);
            return;
        }

        Directory.CreateDirectory(_directory);
        Write(LeasePath, JsonSerializer.Serialize(lease, StateJsonContext.Default.LeaseRecord));
    }

    private static void Write(string path, string content)
    {
        // Our own files: temp + fsync + rename, without the backups AtomicFileWriter keeps of managed files.
        var temp = path + ".tmp";
        File.WriteAllText(temp, content);
        using (var stream = new FileStream(temp, FileMode.Open, FileAccess.ReadWrite))
        {
            stream.Flush(flushToDisk: true);
        }

        File.Move(temp, path, overwrite: true);
    }

    private string OperationPath(string operationId) =>
        Path.Combine(OperationsDirectory, Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(operationId)))[..40] + ".json");
}
