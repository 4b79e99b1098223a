using ZkMitosis.ZooKeeper.Connection;

namespace ZkMitosis.ZooKeeper.Config.ConnectStringFiles;

/// <summary>The one entry point to the formats: picks the <see cref="IConnectStringFile"/> of a location's format.</summary>
public static class ConnectStringFileFormats
{
    private static readonly IReadOnlyDictionary<ConnectStringFormat, IConnectStringFile> Formats = new IConnectStringFile[]
    {
        new PropertiesConnectFile(), new ShellEnvConnectFile(), new HadoopXmlConnectFile(), new ClickHouseXmlConnectFile(), new YamlConnectFile(),
    }.ToDictionary(f => f.Format);

    /// <summary>The handler of <paramref name="format"/>.</summary>
    public static IConnectStringFile For(ConnectStringFormat format) => Formats[format];

    /// <inheritdoc cref="IConnectStringFile.Read"/>
    public static string Read(string text, ConnectStringLocation location)
    {
        ArgumentNullException.ThrowIfNull(location);
        return For(location.Format).Read(text, location);
    }

    /// <inheritdoc cref="IConnectStringFile.Write"/>
    public static string Write(string text, ConnectStringLocation location, ConnectionString target)
    {
        ArgumentNullException.ThrowIfNull(location);
        return For(location.Format).Write(text, location, target);
    }

    /// <summary><c>host:port,host:port[/chroot]</c>, as ZooKeeper's <c>ConnectStringParser</c> reads it back.</summary>
    public static string Format(ConnectionString target)
    {
        ArgumentNullException.ThrowIfNull(target);
        return string.Join(',', target.Hosts) + (target.Chroot ?? "");
    }

    /// <summary>Throws <see cref="ConnectStringFileProblem.KeyMissing"/> / <see cref="ConnectStringFileProblem.KeyDuplicated"/> unless there is exactly one.</summary>
    internal static T Single<T>(IReadOnlyList<T> matches, string what, Func<T, int> line)
    {
        return matches.Count switch
        {
            0 => throw new ConnectStringFileException(ConnectStringFileProblem.KeyMissing, $"{what} is not set in the file; add it (with the current value) before switching"),
            1 => matches[0],
            _ => throw new ConnectStringFileException(ConnectStringFileProblem.KeyDuplicated,
                $"{what} is set {matches.Count} times (lines {string.Join(", ", matches.Select(line))}); leave one so the product's choice is not a guess"),
        };
    }

    /// <summary>1-based line number of <paramref name="offset"/> in <paramref name="text"/>.</summary>
    internal static int LineAt(string text, int offset)
    {
        var line = 1;
        for (var i = 0; i < offset && i < text.Length; i++)
        {
            if (text[i] == '\n' || (text[i] == '\r' && (i + 1 >= text.Length || text[i + 1] != '\n')))
            {
                line++;
            }
        }

        return line;
    }
}
