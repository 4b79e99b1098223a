namespace ZkMitosis.Coordinator.Cleanup;

/// <summary>A cleanup that would be unsafe now (a live session's data, a grace period not over, a migration not finished); nothing was changed.</summary>
public sealed class CleanupRefusedException(string message) : Exception(message);
