namespace ZkMitosis.Coordinator;

/// <summary>Version information for reports and the agent handshake.</summary>
public static class CoordinatorInfo
{
    public static string Version => typeof(CoordinatorInfo).Assembly.GetName().Version?.ToString(3) ?? "0.0.0";
}
