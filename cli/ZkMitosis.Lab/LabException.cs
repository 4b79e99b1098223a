namespace ZkMitosis.Lab;

/// <summary>
/// A lab operation could not be done: a bad argument (subnet in use, size out of range, not root, ZooKeeper
/// missing), a command that failed, or a host that did not come up. The message names what is wrong and,
/// where there is one, the command that fixes it.
/// </summary>
public sealed class LabException : Exception
{
    public LabException(string message)
        : base(message)
    {
    }

    public LabException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
