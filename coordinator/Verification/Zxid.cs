using System.Globalization;

namespace ZkMitosis.Coordinator.Verification;

/// <summary>zxid arithmetic: epoch in the high 32 bits, counter in the low 32.</summary>
public static class Zxid
{
    public static long Epoch(long zxid) => zxid >> 32;

    public static long Counter(long zxid) => zxid & 0xffffffffL;

    public static string Format(long zxid) => zxid < 0 ? "unknown" : "0x" + zxid.ToString("x", CultureInfo.InvariantCulture);
}
