using System.Globalization;

namespace ZkMitosis.Coordinator.Verification;

/// <summary>Reads mode and zxid out of a <c>srvr</c> reply ("Mode: follower", "Zxid: 0x100000003").</summary>
public static class SrvrParser
{
    public static ServerObservation Parse(string reply)
    {
        if (reply.Contains("not currently serving", StringComparison.OrdinalIgnoreCase))
        {
            return new ServerObservation(false, null, -1, "not currently serving requests (electing)");
        }

        if (reply.Contains("is not executed because it is not in the whitelist", StringComparison.OrdinalIgnoreCase))
        {
            return new ServerObservation(false, null, -1, "srvr is not in 4lw.commands.whitelist");
        }

        string? mode = null;
        long zxid = -1;
        int? connections = null;
        foreach (var line in reply.Split('\n'))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon < 0)
            {
                continue;
            }

            var key = line[..colon].Trim();
            var value = line[(colon + 1)..].Trim();
            if (key == "Mode")
            {
                mode = value;
            }
            else if (key == "Zxid" && value.StartsWith("0x", StringComparison.OrdinalIgnoreCase)
                && long.TryParse(value[2..], NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var parsed))
            {
                zxid = parsed;
            }
            else if (key == "Connections" && int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var count))
            {
                connections = count;
            }
        }

        return mode is null
            ? new ServerObservation(false, null, zxid, "no Mode in the srvr reply")
            : new ServerObservation(true, mode, zxid, null, connections);
    }
}
