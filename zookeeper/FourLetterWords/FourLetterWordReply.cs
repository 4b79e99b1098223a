namespace ZkMitosis.ZooKeeper.FourLetterWords;

/// <summary>Recognises the two refusals a live ZooKeeper sends instead of a command's output.</summary>
public static class FourLetterWordReply
{
    /// <summary>What a server that is electing (or has lost its quorum) answers to most commands.</summary>
    public const string NotServingMessage = "This ZooKeeper instance is not currently serving requests";

    /// <summary>The tail of ZooKeeper's answer to a command missing from <c>4lw.commands.whitelist</c>.</summary>
    public const string NotWhitelistedMessage = "is not executed because it is not in the whitelist";

    /// <summary>The refusal in <paramref name="reply"/>, or null when it is an ordinary reply.</summary>
    public static FourLetterWordFailure? Refusal(string reply)
    {
        ArgumentNullException.ThrowIfNull(reply);
        if (reply.Contains(NotServingMessage, StringComparison.Ordinal))
        {
            return FourLetterWordFailure.NotServing;
        }

        return reply.Contains(NotWhitelistedMessage, StringComparison.Ordinal) ? FourLetterWordFailure.NotWhitelisted : null;
    }

    /// <summary>Throws the matching <see cref="FourLetterWordException"/> when <paramref name="reply"/> is a refusal.</summary>
    public static void ThrowIfRefused(string host, int port, string command, string reply)
    {
        switch (Refusal(reply))
        {
            case FourLetterWordFailure.NotServing:
                throw new FourLetterWordException(host, port, command, FourLetterWordFailure.NotServing, "the server is not currently serving requests (electing, or cut off from its quorum)");
            case FourLetterWordFailure.NotWhitelisted:
                throw new FourLetterWordException(host, port, command, FourLetterWordFailure.NotWhitelisted, $"'{command}' is not in the server's 4lw.commands.whitelist (add it, or use the AdminServer)");
        }
    }
}
