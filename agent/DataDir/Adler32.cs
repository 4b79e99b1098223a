namespace ZkMitosis.Agent.DataDir;

/// <summary>Adler-32 (RFC 1950), the checksum ZooKeeper puts before every txn log record.</summary>
public static class Adler32
{
    private const uint Modulus = 65521;

    /// <summary>Largest run of bytes before the sums must be reduced to stay within 32 bits.</summary>
    private const int MaxRun = 5552;

    /// <summary>The Adler-32 of <paramref name="data"/>.</summary>
    public static uint Compute(ReadOnlySpan<byte> data) => Update(1, data);

    /// <summary>
    /// Continues <paramref name="adler"/> (1 for no bytes yet) over <paramref name="data"/>: a stream checked piece by piece,
    /// as <c>java.util.zip.CheckedInputStream</c> does for ZooKeeper's snapshots.
    /// </summary>
    public static uint Update(uint adler, ReadOnlySpan<byte> data)
    {
        uint a = adler & 0xffff, b = adler >> 16;
        while (data.Length > 0)
        {
            var run = data[..Math.Min(MaxRun, data.Length)];
            foreach (var value in run)
            {
                a += value;
                b += a;
            }

            a %= Modulus;
            b %= Modulus;
            data = data[run.Length..];
        }

        return (b << 16) | a;
    }
}
