namespace ZkMitosis.Coordinator.Plans;

/// <summary>One thing wrong with a plan: the path of the field (<c>destination.servers[1].id</c>) and what is wrong.</summary>
public sealed record PlanProblem(string Path, string Message)
{
    public override string ToString() => $"{Path}: {Message}";
}

/// <summary>A plan that failed validation, with every problem found (not just the first).</summary>
public sealed class InvalidPlanException(IReadOnlyList<PlanProblem> problems)
    : Exception("The plan is invalid:\n  " + string.Join("\n  ", problems))
{
    public IReadOnlyList<PlanProblem> Problems { get; } = problems;
}
