using ZkMitosis.ZooKeeper.Config.ConnectStringFiles;
using ZkMitosis.ZooKeeper.Connection;

namespace ZkMitosis.ZooKeeper.Tests.Config.ConnectStringFiles;

/// <summary>Shared checks of the format tests.</summary>
internal static class ConnectStringFileAssert
{
    public static readonly ConnectionString Destination = ConnectionString.Parse("d1:2181,d2:2181,d3:2181/tenant");

    /// <summary>Writing <paramref name="target"/> gives <paramref name="expected"/>, which reads back as the target; writing the original back restores the original byte for byte.</summary>
    public static void RoundTrips(string original, ConnectStringLocation location, string expected, ConnectionString? target = null)
    {
        target ??= Destination;
        var before = ConnectionString.Parse(ConnectStringFileFormats.Read(original, location));
        var written = ConnectStringFileFormats.Write(original, location, target);

        Assert.Equal(expected, written);
        Assert.Equal(ConnectStringFileFormats.Format(target), ConnectStringFileFormats.Read(written, location));
        Assert.Equal(original, ConnectStringFileFormats.Write(written, location, before));
    }

    public static ConnectStringFileException Refused(ConnectStringFileProblem problem, string text, ConnectStringLocation location, ConnectionString? target = null)
    {
        var error = Assert.Throws<ConnectStringFileException>(() => ConnectStringFileFormats.Write(text, location, target ?? Destination));
        Assert.Equal(problem, error.Problem);
        Assert.DoesNotContain('\n', error.Message);
        return error;
    }
}
