using System.Globalization;
using ZkMitosis.Lab.Manifest;
using ZkMitosis.Lab.Services;

namespace ZkMitosis.Lab.Hosts;

/// <summary>
/// What one running Kafka broker stand-in costs: its resident memory now and at its peak (the kernel's VmRSS and
/// VmHWM), the part of it that is its own (private pages: the runtime's files are shared by every stand-in), and its
/// last start, split into the runtime's part (exec to the stand-in's own code) and the whole start
/// (exec to <c>/brokers/ids/&lt;id&gt;</c> registered, what a switch batch waits for).
/// </summary>
/// <param name="Host">The broker host's name (<c>kafka7</c>).</param>
/// <param name="Pid">The stand-in's pid.</param>
/// <param name="RssMiB">Resident memory now, MiB.</param>
/// <param name="PeakRssMiB">The most resident memory it ever had, MiB.</param>
/// <param name="PrivateMiB">Resident pages no other process shares (<c>smaps_rollup</c> Private_Clean + Private_Dirty), MiB: what one more stand-in costs.</param>
/// <param name="RuntimeStart">From exec until the stand-in's code ran, or null when its state file does not say.</param>
/// <param name="StartToRegistered">From exec until it registered, or null before it did.</param>
public sealed record StandInFootprint(string Host, int Pid, double RssMiB, double PeakRssMiB, double PrivateMiB, TimeSpan? RuntimeStart, TimeSpan? StartToRegistered)
{
    /// <summary>The footprint of the stand-in running on <paramref name="host"/>, or null when none runs there.</summary>
    public static StandInFootprint? Measure(LabHost host)
    {
        var pid = ServiceControl.ReadPid(host, HostLayout.KafkaService);
        var proc = "/proc/" + pid.ToString(CultureInfo.InvariantCulture);
        if (pid == 0 || ReadKilobytes(proc + "/status") is not { } status)
        {
            return null;
        }

        var state = StandInStateReader.TryRead(host.Layout.StandInState);
        var started = state?.ProcessStartedAt;
        return new StandInFootprint(
            host.Name,
            pid,
            status.GetValueOrDefault("VmRSS") / 1024.0,
            status.GetValueOrDefault("VmHWM") / 1024.0,
            ReadKilobytes(proc + "/smaps_rollup") is { } rollup ? (rollup.GetValueOrDefault("Private_Clean") + rollup.GetValueOrDefault("Private_Dirty")) / 1024.0 : 0,
            started is { } s && state?.StartedAt is { } code ? code - s : null,
            started is { } t && state?.RegisteredAt is { } registered ? registered - t : null);
    }

    /// <summary>
    /// One line over several stand-ins: median and largest RSS, peak RSS, runtime start and start to registered,
    /// e.g. <c>30 stand-ins: RSS median 53.1 MiB, max 54.0 MiB, peak 55.2 MiB; private median 18.0 MiB, total 540 MiB; …</c>.
    /// </summary>
    public static string Summarize(IReadOnlyCollection<StandInFootprint> footprints)
    {
        static string Ms(IEnumerable<TimeSpan?> values, Func<List<double>, double> pick)
        {
            var list = values.OfType<TimeSpan>().Select(v => v.TotalMilliseconds).Order().ToList();
            return list.Count == 0 ? "n/a" : pick(list).ToString("0", CultureInfo.InvariantCulture) + " ms";
        }

        static double Median(List<double> sorted) => sorted[sorted.Count / 2];
        var rss = footprints.Select(f => f.RssMiB).Order().ToList();
        if (rss.Count == 0)
        {
            return "no stand-in running";
        }

        return string.Create(CultureInfo.InvariantCulture,
            $"{footprints.Count} stand-ins: RSS median {Median(rss):0.0} MiB, max {rss[^1]:0.0} MiB, peak {footprints.Max(f => f.PeakRssMiB):0.0} MiB; " +
            $"private median {Median(footprints.Select(f => f.PrivateMiB).Order().ToList()):0.0} MiB, total {footprints.Sum(f => f.PrivateMiB):0} MiB; " +
            $"last start: runtime median {Ms(footprints.Select(f => f.RuntimeStart), Median)}, max {Ms(footprints.Select(f => f.RuntimeStart), l => l[^1])}; " +
            $"exec to registered median {Ms(footprints.Select(f => f.StartToRegistered), Median)}, max {Ms(footprints.Select(f => f.StartToRegistered), l => l[^1])}");
    }

    /// <summary>The kB fields of a <c>/proc/PID</c> file (<c>status</c>, <c>smaps_rollup</c>), or null when the process is gone.</summary>
    private static Dictionary<string, long>? ReadKilobytes(string path)
    {
        try
        {
            var fields = new Dictionary<string, long>(StringComparer.Ordinal);
            foreach (var line in File.ReadLines(path))
            {
                var colon = line.IndexOf(':', StringComparison.Ordinal);
                var value = colon < 0 ? "" : line[(colon + 1)..].Trim();
                if (value.EndsWith(" kB", StringComparison.Ordinal) && long.TryParse(value[..^3], NumberStyles.None, CultureInfo.InvariantCulture, out var kb))
                {
                    fields[line[..colon]] = kb;
                }
            }

            return fields;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
