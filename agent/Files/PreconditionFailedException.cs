namespace ZkMitosis.Agent.Files;

/// <summary>
/// The host is not in the state a call needs (sha256 mismatch, service running, lease of another plan, …). Maps to
/// FAILED_PRECONDITION with a <c>google.rpc.PreconditionFailure</c> of <see cref="Type"/> and <see cref="Subject"/>.
/// </summary>
public sealed class PreconditionFailedException : Exception
{
    public PreconditionFailedException(string type, string subject, string message)
        : base(message)
    {
        Type = type;
        Subject = subject;
    }

    /// <summary>"SHA256", "SERVICE_STATE", "LEASE", "PLAN", "DATA_DIR", …</summary>
    public string Type { get; }

    /// <summary>What the check was about (a path, a plan id, a service).</summary>
    public string Subject { get; }
}
