using System.Text.RegularExpressions;
using ZkMitosis.Agent.Files;

namespace ZkMitosis.Agent.State;

/// <summary>
/// Checks of the identifiers a caller sends (plan id, operation id, lease holder) before any of them reaches a record,
/// a log line or an answer. Every pattern is anchored with <c>\z</c>: <c>$</c> would also match before a final newline.
/// </summary>
public static partial class Identifiers
{
    /// <summary>The longest operation id, plan id or holder accepted (characters).</summary>
    public const int MaxLength = 128;

    /// <summary>Refuses a missing id, or one that is not 1-128 letters, digits and "/._:-".</summary>
    /// <exception cref="InvalidRequestException">naming <paramref name="field"/>.</exception>
    public static void RequireId(string field, string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            throw new InvalidRequestException(field, "required");
        }

        if (!IdPattern().IsMatch(value))
        {
            throw new InvalidRequestException(field, $"must be 1-{MaxLength} letters, digits and '/._:-'");
        }
    }

    /// <summary>Refuses a missing or blank text, a control character (newlines included) or more than 128 characters.</summary>
    /// <exception cref="InvalidRequestException">naming <paramref name="field"/>.</exception>
    public static void RequireText(string field, string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            throw new InvalidRequestException(field, "required");
        }

        if (value.Length > MaxLength)
        {
            throw new InvalidRequestException(field, $"longer than {MaxLength} characters");
        }

        if (value.Any(char.IsControl))
        {
            throw new InvalidRequestException(field, "contains a control character");
        }
    }

    [GeneratedRegex(@"\A[A-Za-z0-9/._:-]{1,128}\z", RegexOptions.CultureInvariant)]
    private static partial Regex IdPattern();
}
