namespace ZkMitosis.ZooKeeper.FourLetterWords;

/// <summary>A four-letter word could not be sent or its reply could not be read or understood.</summary>
public sealed class FourLetterWordException : Exception
{
    public FourLetterWordException(string host, int port, string command, string problem, Exception? inner = null)
        : base($"'{command}' to {host}:{port}: {problem}", inner)
    {
        Host = host;
        Port = port;
        Command = command;
        Problem = problem;
    }

    public string Host { get; }

    public int Port { get; }

    public string Command { get; }

    /// <summary>What went wrong, without the address prefix.</summary>
    public string Problem { get; }
}
