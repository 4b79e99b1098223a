using System.Security.Cryptography;
using System.Text;

namespace ZkMitosis.Coordinator.Journal;

/// <summary>
/// The journal's chained checksum: each line ends with <c>,"sum":"HEX"}</c>, the SHA-256 of the previous record's
/// sum (a fixed seed for the first) followed by the line's own bytes without that field. A changed byte, a removed
/// or reordered record, or a line written by hand breaks the chain at that line and every later one.
/// </summary>
/// <remarks>
/// The sum is taken over the exact bytes written, not over a re-serialization, so a reader never depends on
/// System.Text.Json producing the same text twice. It detects damage and careless edits, not a forger who
/// recomputes the chain: the state directory's permissions are what keep others out.
/// </remarks>
public static class JournalChecksum
{
    /// <summary>What the first record's sum is chained to.</summary>
    public const string Seed = "zkmitosis-journal-v2";

    private const string Field = ",\"sum\":\"";
    private const int HexLength = 64;

    /// <summary>The line for <paramref name="body"/> (a JSON object without the sum) chained to <paramref name="previous"/>; also its sum.</summary>
    public static (string Line, string Sum) Seal(string body, string previous)
    {
        var sum = Compute(previous, body);
        return (string.Concat(body.AsSpan(0, body.Length - 1), Field, sum, "\"}"), sum);
    }

    /// <summary>
    /// Splits a line into its body (the object as it was sealed) and its sum; null when the line carries no
    /// well-formed sum field at its end.
    /// </summary>
    public static (string Body, string Sum)? Split(string line)
    {
        var fieldAt = line.Length - HexLength - Field.Length - 2;
        if (fieldAt <= 0 || !line.EndsWith("\"}", StringComparison.Ordinal) || string.CompareOrdinal(line, fieldAt, Field, 0, Field.Length) != 0)
        {
            return null;
        }

        var sum = line.Substring(fieldAt + Field.Length, HexLength);
        return sum.All(char.IsAsciiHexDigitLower) ? (line[..fieldAt] + "}", sum) : null;
    }

    /// <summary>SHA-256 (lowercase hex) of <paramref name="previous"/> then <paramref name="body"/>, both UTF-8.</summary>
    public static string Compute(string previous, string body) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(previous + body)));
}
