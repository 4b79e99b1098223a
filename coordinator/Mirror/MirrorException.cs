namespace ZkMitosis.Coordinator.Mirror;

/// <summary>The mirror stopped: a server refused what it must do (credentials, a znode too large), or the source root is gone.</summary>
public sealed class MirrorException(string message, Exception? inner = null) : Exception(message, inner);
