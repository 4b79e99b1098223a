namespace ZkMitosis.Coordinator.Engine;

/// <summary>The preflight found problems; nothing was changed.</summary>
public sealed class PreflightFailedException(IReadOnlyList<string> problems)
    : Exception("preflight found problems, nothing was changed:\n  " + string.Join("\n  ", problems))
{
    public IReadOnlyList<string> Problems { get; } = problems;
}

/// <summary>A step found the world not as it must be; the migration stops here and can be resumed after a fix.</summary>
public sealed class StepFailedException(string step, string message, Exception? inner = null) : Exception($"step {step}: {message}", inner)
{
    public string Step { get; } = step;
}

/// <summary>The destination election did not produce a safe leader. Never ignored: it may mean lost writes.</summary>
public sealed class UnsafeElectionException(string message) : Exception("UNSAFE DESTINATION ELECTION: " + message);

/// <summary>The operator declined the point of no return; nothing past it was done.</summary>
public sealed class NotConfirmedException() : Exception("the point of no return was not confirmed (answer the prompt or pass --yes); nothing past it was done");

/// <summary>A journal that belongs to another plan or another plan version.</summary>
public sealed class JournalMismatchException(string message) : Exception(message);
