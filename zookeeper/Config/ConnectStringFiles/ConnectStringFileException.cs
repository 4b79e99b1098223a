namespace ZkMitosis.ZooKeeper.Config.ConnectStringFiles;

/// <summary>Why a connect-string file cannot be read or edited.</summary>
public enum ConnectStringFileProblem
{
    /// <summary>The key (property, variable, element) is not in the file. Nothing is appended: where it belongs is the operator's call.</summary>
    KeyMissing,

    /// <summary>The key is set more than once, so which one the product reads is not ours to guess.</summary>
    KeyDuplicated,

    /// <summary>The new value cannot be written safely in this place (it would need quoting the file does not use, or it is not a connect string).</summary>
    ValueRefused,

    /// <summary>The file is not what its format says (unbalanced XML, an unclosed quote, a block scalar where the value is).</summary>
    Malformed,
}

/// <summary>A connect-string file cannot be read or edited as asked; nothing was changed. The message names the key and, where known, the line.</summary>
public sealed class ConnectStringFileException(ConnectStringFileProblem problem, string message) : Exception(message)
{
    /// <summary>What is wrong.</summary>
    public ConnectStringFileProblem Problem { get; } = problem;
}
