using System.Globalization;
using System.Text;

namespace ZkMitosis.Agent.Files;

/// <summary>What a write did.</summary>
public sealed record FileWriteResult(string Path, bool Changed, string? BackupPath, string Sha256);

/// <summary>
/// Replaces a file so that a crash leaves either the old or the new content, never a mix: write a temp file beside it,
/// fsync, rename over, fsync the directory. The previous content is kept as <c>FILE.bak-YYYYMMDDTHHMMSSfffZ</c>.
/// </summary>
public sealed class AtomicFileWriter
{
    /// <summary>Skip the sha256 check.</summary>
    public const string AnySha256 = "*";

    private readonly TimeProvider _time;

    public AtomicFileWriter(TimeProvider time)
    {
        _time = time;
    }

    /// <summary>
    /// Writes <paramref name="content"/> to <paramref name="path"/> when the file's current sha256 is
    /// <paramref name="expectedSha256"/> (empty: the file must not exist; "*": no check). A file that already holds
    /// <paramref name="content"/> is left alone and reported unchanged, whatever <paramref name="expectedSha256"/> says.
    /// </summary>
    /// <exception cref="PreconditionFailedException">the file is not as the caller last saw it.</exception>
    public FileWriteResult Write(string path, string content, string? expectedSha256)
    {
        var bytes = Encoding.UTF8.GetBytes(content);
        var current = FileHashes.Sha256OrNull(path);
        var sha = FileHashes.Sha256(bytes);
        if (current == sha)
        {
            // Already as asked: a retried write whose first attempt happened is done, whatever sha256 the caller saw before it.
            return new FileWriteResult(path, false, null, sha);
        }

        CheckExpected(path, current, expectedSha256);

        var directory = Path.GetDirectoryName(Path.GetFullPath(path)) ?? "/";
        Directory.CreateDirectory(directory);
        string? backup = null;
        if (current is not null)
        {
            backup = $"{path}.bak-{_time.GetUtcNow().UtcDateTime.ToString("yyyyMMdd'T'HHmmssfff'Z'", CultureInfo.InvariantCulture)}";
            File.Copy(path, backup, overwrite: true);
        }

        var temp = Path.Combine(directory, $".{Path.GetFileName(path)}.tmp-{Guid.NewGuid():N}");
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                stream.Write(bytes);
                stream.Flush(flushToDisk: true);
            }

            if (current is not null)
            {
                // Keep the original's permissions: zoo.cfg or server.properties may be readable by one user only.
                File.SetUnixFileMode(temp, File.GetUnixFileMode(path));
            }

            File.Move(temp, path, overwrite: true);
            FsyncDirectory(directory);
        }
        finally
        {
            File.Delete(temp);
        }

        return new FileWriteResult(path, true, backup, sha);
    }

    /// <summary>Throws unless the file's sha256 <paramref name="current"/> matches what the caller expects.</summary>
    public static void CheckExpected(string path, string? current, string? expectedSha256)
    {
        var expected = expectedSha256 ?? "";
        if (expected == AnySha256)
        {
            return;
        }

        if (expected.Length == 0 && current is not null)
        {
            throw new PreconditionFailedException("SHA256", path, $"{path} exists (sha256 {current}) but the caller expected no file; read it first and pass its sha256.");
        }

        if (expected.Length > 0 && !string.Equals(expected, current, StringComparison.OrdinalIgnoreCase))
        {
            throw new PreconditionFailedException("SHA256", path, current is null
                ? $"{path} does not exist but the caller expected sha256 {expected}."
                : $"{path} has sha256 {current}, not {expected} as the caller last saw it: it changed since.");
        }
    }

    private static void FsyncDirectory(string directory)
    {
        // A rename is durable only once the directory entry is on disk; .NET cannot open a directory, libc can.
        var fd = NativeMethods.Open(directory, NativeMethods.ReadOnlyDirectory);
        if (fd < 0)
        {
            return;
        }

        _ = NativeMethods.Fsync(fd);
        _ = NativeMethods.Close(fd);
    }
}
