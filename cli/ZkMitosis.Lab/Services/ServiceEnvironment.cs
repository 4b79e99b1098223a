using System.Globalization;
using System.Text;

namespace ZkMitosis.Lab.Services;

/// <summary>
/// Writes <c>etc/default/SERVICE</c> for the lab's service script: the command as a bash array (each word
/// single-quoted, so no path or option is ever re-split or expanded), the cmdline marker, log file and grace.
/// </summary>
public static class ServiceEnvironment
{
    public static void Write(string path, IReadOnlyList<string> command, string match, string logFile, int stopGraceSeconds = 10)
    {
        var text = new StringBuilder()
            .Append("# Written by zkmitosis lab: what lab-service.sh runs for this service on this lab host.\n")
            .Append("COMMAND=(").AppendJoin(' ', command.Select(Quote)).Append(")\n")
            .Append("MATCH=").Append(Quote(match)).Append('\n')
            .Append("LOG_FILE=").Append(Quote(logFile)).Append('\n')
            .Append("STOP_GRACE=").Append(stopGraceSeconds.ToString(CultureInfo.InvariantCulture)).Append('\n');
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text.ToString());
    }

    internal static string Quote(string value) => "'" + value.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}
