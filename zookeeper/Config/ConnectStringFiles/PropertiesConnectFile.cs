using ZkMitosis.ZooKeeper.Connection;

namespace ZkMitosis.ZooKeeper.Config.ConnectStringFiles;

/// <summary>
/// A Java properties key (Kafka's <c>zookeeper.connect</c>, NiFi's <c>nifi.zookeeper.connect.string</c>, Druid's
/// <c>druid.zk.service.host</c>), edited through <see cref="PropertiesText"/> so every other byte stays.
/// </summary>
internal sealed class PropertiesConnectFile : IConnectStringFile
{
    public ConnectStringFormat Format => ConnectStringFormat.Properties;

    public string Read(string text, ConnectStringLocation location) => Find(PropertiesText.Parse(text), location.Key).Value;

    public string Write(string text, ConnectStringLocation location, ConnectionString target)
    {
        var properties = PropertiesText.Parse(text);
        Find(properties, location.Key);
        var value = ConnectStringFileFormats.Format(target);

        // A backslash would be read as an escape by java.util.Properties.load; a leading space would be trimmed.
        if (value.Contains('\\', StringComparison.Ordinal) || value.Any(char.IsControl) || value.Any(char.IsWhiteSpace))
        {
            throw new ConnectStringFileException(ConnectStringFileProblem.ValueRefused, $"'{value}' holds a backslash, whitespace or control character; a properties value would change meaning");
        }

        properties.Set(location.Key, value);
        return properties.ToString();
    }

    private static (int LineNumber, string Key, string Value) Find(PropertiesText properties, string key) =>
        ConnectStringFileFormats.Single(properties.NumberedEntries.Where(e => e.Key == key).ToList(), $"properties key {key}", e => e.LineNumber);
}
