using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;
using ZkMitosis.Agent.Configuration;
using ZkMitosis.Agent.Files;

namespace ZkMitosis.Agent.State;

/// <summary>
/// State as JSON files under the state directory: <c>operations/SHA.json</c> (one per operation id) and
/// <c>lease.json</c>, each written atomically and durably (temp file, fsync, rename, fsync of the directory).
/// </summary>
public sealed class FileAgentStateStore : IAgentStateStore
{
    private readonly string _directory;
    private volatile bool _writable = true;

    public FileAgentStateStore(IOptions<AgentOptions> options)
    {
        _directory = options.Value.StateDirectory;
        ProbeWritable();
    }

    /// <inheritdoc/>
    public bool Writable => _writable;

    private string OperationsDirectory => Path.Combine(_directory, "operations");

    private string LeasePath => Path.Combine(_directory, "lease.json");

    /// <inheritdoc/>
    public bool ProbeWritable()
    {
        try
        {
            // Creating the directories themselves is what the first write would do anyway; no probe file is left.
            Directory.CreateDirectory(OperationsDirectory);
            _writable = NativeMethods.Access(_directory, NativeMethods.WriteAndSearch) == 0
                && NativeMethods.Access(OperationsDirectory, NativeMethods.WriteAndSearch) == 0;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            _writable = false;
        }

        return _writable;
    }

    public OperationRecord? FindOperation(string operationId)
    {
        var path = OperationPath(operationId);
        return File.Exists(path) ? JsonSerializer.Deserialize(File.ReadAllText(path), StateJsonContext.Default.OperationRecord) : null;
    }

    public IReadOnlyList<OperationRecord> ListOperations()
    {
        if (!Directory.Exists(OperationsDirectory))
        {
            return [];
        }

        var records = new List<OperationRecord>();
        foreach (var path in Directory.EnumerateFiles(OperationsDirectory, "*.json"))
        {
            try
            {
                if (JsonSerializer.Deserialize(File.ReadAllText(path), StateJsonContext.Default.OperationRecord) is { } record)
                {
                    records.Add(record);
                }
            }
            catch (JsonException)
            {
                // A record an older schema or a torn copy left: it answers nothing, so it blocks nothing.
            }
        }

        return records;
    }

    public void SaveOperation(OperationRecord record)
    {
        Guard(() =>
        {
            Directory.CreateDirectory(OperationsDirectory);
            Write(OperationPath(record.OperationId), JsonSerializer.Serialize(record, StateJsonContext.Default.OperationRecord));
        });
    }

    public void DeleteOperation(string operationId)
    {
        Guard(() =>
        {
            var path = OperationPath(operationId);
            if (File.Exists(path))
            {
                File.Delete(path);
                FsyncDirectory(OperationsDirectory);
            }
        });
    }

    public LeaseRecord? ReadLease() =>
        File.Exists(LeasePath) ? JsonSerializer.Deserialize(File.ReadAllText(LeasePath), StateJsonContext.Default.LeaseRecord) : null;

    public void SaveLease(LeaseRecord? lease)
    {
        Guard(() =>
        {
            if (lease is null)
            {
                File.Delete(LeasePath);
                FsyncDirectory(_directory);
                return;
            }

            Directory.CreateDirectory(_directory);
            Write(LeasePath, JsonSerializer.Serialize(lease, StateJsonContext.Default.LeaseRecord));
        });
    }

    /// <summary>A failed write marks the store not writable (not ready, mutations refused) until a probe succeeds.</summary>
    private void Guard(Action write)
    {
        try
        {
            write();
            _writable = true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            _writable = false;
            throw;
        }
    }

    private static void Write(string path, string content)
    {
        // Our own files: temp + fsync + rename (+ fsync of the directory, so the rename survives a power cut), without
        // the backups AtomicFileWriter keeps of managed files.
        var temp = path + ".tmp";
        using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            stream.Write(Encoding.UTF8.GetBytes(content));
            stream.Flush(flushToDisk: true);
        }

        File.Move(temp, path, overwrite: true);
        FsyncDirectory(Path.GetDirectoryName(path)!);
    }

    private static void FsyncDirectory(string directory)
    {
        var fd = NativeMethods.Open(directory, NativeMethods.ReadOnlyDirectory);
        if (fd < 0)
        {
            throw new IOException($"cannot open {directory} to fsync it (errno {System.Runtime.InteropServices.Marshal.GetLastPInvokeError()})");
        }

        try
        {
            if (NativeMethods.Fsync(fd) != 0)
            {
                throw new IOException($"fsync of {directory} failed (errno {System.Runtime.InteropServices.Marshal.GetLastPInvokeError()})");
            }
        }
        finally
        {
            NativeMethods.Close(fd);
        }
    }

    private string OperationPath(string operationId) =>
        Path.Combine(OperationsDirectory, Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(operationId)))[..40] + ".json");
}
