using System.Globalization;

namespace ZkMitosis.Bench;

/// <summary>CPU another process has used so far, from /proc: how the benchmarks charge the servers and the command.</summary>
internal static class ProcessCpu
{
    /// <summary>utime + stime of <paramref name="pid"/> (clock ticks of 1/100 s) in seconds; 0 once it is gone.</summary>
    public static double Seconds(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / 100.0;
        }
        catch (Exception e) when (e is IOException or FormatException or IndexOutOfRangeException)
        {
            return 0;
        }
    }
}
