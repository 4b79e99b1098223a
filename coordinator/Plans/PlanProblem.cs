namespace ZkMitosis.Coordinator.Plans;

/// <summary>One thing wrong with a plan: the path of the field (<c>destination.servers[1].id</c>) and what is wrong.</summary>
public sealed record PlanProblem(string Path, string Message)
{
    public override string ToString() => $"{Path}: {Message}";

    /// <summary>
    /// <paramref name="value"/> for an error message: in single quotes, or JSON-escaped in double quotes when it holds
    /// a control character, so a newline in a value can never split or forge a line of output.
    /// </summary>
    public static string Quote(string value) =>
        value.Any(char.IsControl) ? System.Text.Json.JsonSerializer.Serialize(value) : $"'{value}'";
}

/// <summary>A plan that failed validation, with every problem found (not just the first).</summary>
public sealed class InvalidPlanException(IReadOnlyList<PlanProblem> problems)
    : Exception("The plan is invalid:\n  " + string.Join("\n  ", problems))
{
    public IReadOnlyList<PlanProblem> Problems { get; } = problems;
}
