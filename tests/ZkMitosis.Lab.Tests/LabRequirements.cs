using ZkMitosis.Lab.Servers;

namespace ZkMitosis.Lab.Tests;

/// <summary>Integration tests never skip silently: without root or ZooKeeper they fail with what fixes it.</summary>
internal static class LabRequirements
{
    public static void EnsureRootAndZooKeeper()
    {
        if (!Environment.IsPrivilegedProcess)
        {
            throw new InvalidOperationException("the lab tests create network namespaces: run them as root (sudo ./zkm test)");
        }

        ZooKeeperInstallation.EnsureInstalled();
    }
}
