using ZkMitosis.ZooKeeper.Connection;

namespace ZkMitosis.ZooKeeper.Config.ConnectStringFiles;

/// <summary>
/// One connect-string file format: reads the connect string a product would use and replaces it, keeping every byte
/// outside the value(s) as it was (comments, blank lines, other keys, whitespace, line endings).
/// </summary>
public interface IConnectStringFile
{
    /// <summary>The format this handles.</summary>
    ConnectStringFormat Format { get; }

    /// <summary>The connect string the file holds at <paramref name="location"/> (<c>host:port,…[/chroot]</c>), as the product would assemble it.</summary>
    /// <exception cref="ConnectStringFileException">the key is missing or set twice, or the file is malformed.</exception>
    string Read(string text, ConnectStringLocation location);

    /// <summary>The file's text with only the value(s) at <paramref name="location"/> changed to <paramref name="target"/>.</summary>
    /// <exception cref="ConnectStringFileException">the key is missing or set twice, the file is malformed, or the value cannot be written safely here.</exception>
    string Write(string text, ConnectStringLocation location, ConnectionString target);
}
