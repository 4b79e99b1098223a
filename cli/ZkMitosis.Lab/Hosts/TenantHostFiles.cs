using ZkMitosis.Lab.Manifest;
using ZkMitosis.Lab.Services;

namespace ZkMitosis.Lab.Hosts;

/// <summary>
/// The other tenant's client host: a writer (in the stand-in's assembly, <c>tenant-writer</c> mode) that keeps
/// writing serial-numbered znodes under <c>/other</c> on the source and records each acknowledged one.
/// </summary>
public static class TenantHostFiles
{
    public const string TenantRoot = "/other";

    public static void Write(LabHost host, string sourceConnect, LabBinaries binaries)
    {
        var layout = host.Layout;
        layout.Create();
        ServiceEnvironment.Write(
            layout.ServiceEnvironment(HostLayout.TenantService),
            [.. binaries.StandInCommand(), "tenant-writer", "--connect", sourceConnect, "--root", TenantRoot, "--state", layout.TenantState],
            match: layout.TenantState,
            logFile: layout.LogFile(HostLayout.TenantService));
    }
}
