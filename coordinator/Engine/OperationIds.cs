using System.Globalization;
using System.Text;

namespace ZkMitosis.Coordinator.Engine;

/// <summary>
/// Operation ids, <c>plan/step/key[/generation]</c>, in the alphabet the agent accepts (letters, digits and
/// <c>/._:-</c>, its <c>Identifiers.RequireId</c>): each part is made safe here, so an effect key built from anything a
/// plan holds (a host such as <c>[fd00::11]:7443</c>, a name) still names one effect and is never refused.
/// </summary>
public static class OperationIds
{
    /// <summary>The operation id of effect <paramref name="key"/> of step <paramref name="stepId"/> in <paramref name="generation"/>.</summary>
    public static string For(string planId, string stepId, string key, int generation) =>
        $"{planId}/{Safe(stepId)}/{Safe(key)}" + (generation > 0 ? "/" + generation.ToString(CultureInfo.InvariantCulture) : "");

    /// <summary>
    /// <paramref name="part"/> with every character outside <c>[A-Za-z0-9._:-]</c> ('/' included: it separates the parts)
    /// written as <c>_XX</c> per UTF-8 byte. '_' is itself outside the agent's alphabet, so the escape cannot be confused
    /// with a character that stayed: distinct parts stay distinct, and a part already safe is unchanged.
    /// </summary>
    public static string Safe(string part)
    {
        ArgumentNullException.ThrowIfNull(part);
        if (part.All(IsSafe))
        {
            return part;
        }

        var safe = new StringBuilder(part.Length + 8);
        Span<byte> bytes = stackalloc byte[4];
        foreach (var rune in part.EnumerateRunes())
        {
            if (rune.IsAscii && IsSafe((char)rune.Value))
            {
                safe.Append((char)rune.Value);
                continue;
            }

            var length = rune.EncodeToUtf8(bytes);
            foreach (var b in bytes[..length])
            {
                safe.Append('_').Append(b.ToString("x2", CultureInfo.InvariantCulture));
            }
        }

        return safe.ToString();
    }

    private static bool IsSafe(char c) => char.IsAsciiLetterOrDigit(c) || c is '.' or ':' or '-';
}
