namespace ZkMitosis.ZooKeeper.FourLetterWords;

/// <summary>
/// A four-letter word or AdminServer command could not be sent, or its reply could not be read or understood.
/// <see cref="Failure"/> says which, so callers can tell "the server is electing" from "nothing listens".
/// </summary>
public sealed class FourLetterWordException : Exception
{
    public FourLetterWordException(string host, int port, string command, string problem, Exception? inner = null)
        : this(host, port, command, FourLetterWordFailure.Unreachable, problem, inner)
    {
    }

    public FourLetterWordException(string host, int port, string command, FourLetterWordFailure failure, string problem, Exception? inner = null)
        : base($"'{command}' to {host}:{port}: {problem}", inner)
    {
        Host = host;
        Port = port;
        Command = command;
        Failure = failure;
        Problem = problem;
    }

    public string Host { get; }

    public int Port { get; }

    public string Command { get; }

    public FourLetterWordFailure Failure { get; }

    /// <summary>What went wrong, without the address prefix.</summary>
    public string Problem { get; }
}
