namespace ZkMitosis.Testing;

/// <summary>A fresh directory under /tmp for one fixture, removed on dispose.</summary>
public sealed class TestDirectory : IDisposable
{
    public TestDirectory(string prefix)
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "zkm-tests", $"{prefix}-{Guid.NewGuid():N}"[..Math.Min(prefix.Length + 13, prefix.Length + 33)]);
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    /// <summary>Writes <paramref name="text"/> to a new file with a random name here; returns its path.</summary>
    public string WriteFile(string text)
    {
        var path = System.IO.Path.Combine(Path, Guid.NewGuid().ToString("N"));
        File.WriteAllText(path, text);
        return path;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a server that was killed may still hold a file for a moment.
        }
    }
}
