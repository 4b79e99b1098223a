using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace ZkMitosis.Coordinator.Metrics;

/// <summary>
/// <c>--metrics-listen ADDRESS:PORT</c>: an IP address (IPv6 in brackets, <c>[::1]:9464</c>) and a port 1-65535. Host
/// names are refused: the listener binds exactly one address, and a name may resolve to several or to another one later.
/// Any address is accepted (a Prometheus on another host scrapes the coordinator's address or 0.0.0.0); the command warns
/// when it is not a loopback address, since the endpoint is plain HTTP without authentication (it holds no secret).
/// </summary>
public static class MetricsListenAddress
{
    /// <summary>Parses <paramref name="text"/>; on failure <paramref name="problem"/> says what is wrong, in one line.</summary>
    public static bool TryParse(string? text, out IPEndPoint? endpoint, out string problem)
    {
        endpoint = null;
        problem = "";
        var value = text?.Trim() ?? "";
        var colon = value.LastIndexOf(':');
        if (colon <= 0 || colon == value.Length - 1)
        {
            problem = $"'{text}' is not ADDRESS:PORT (e.g. 127.0.0.1:9464, [::1]:9464)";
            return false;
        }

        var host = value[..colon];
        var portText = value[(colon + 1)..];
        if (!portText.All(char.IsAsciiDigit) || !int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
        {
            problem = $"'{portText}' in '{text}' is not a port (1-65535)";
            return false;
        }

        IPAddress? address;
        if (host.StartsWith('[') && host.EndsWith(']'))
        {
            if (!IPAddress.TryParse(host[1..^1], out address) || address.AddressFamily != AddressFamily.InterNetworkV6)
            {
                problem = $"'{host}' in '{text}' is not an IPv6 address";
                return false;
            }
        }
        else if (host.Contains(':', StringComparison.Ordinal))
        {
            problem = $"'{text}': an IPv6 address goes in brackets ([{host}]:{portText})";
            return false;
        }
        else if (!IPAddress.TryParse(host, out address) || address.AddressFamily != AddressFamily.InterNetwork || address.ToString() != host)
        {
            // The round trip refuses the short forms IPAddress also reads ("127.1", "2130706433") and host names.
            problem = $"'{host}' in '{text}' is not an IP address (a host name is not accepted: give the address to bind, e.g. 127.0.0.1)";
            return false;
        }

        endpoint = new IPEndPoint(address, port);
        return true;
    }
}
