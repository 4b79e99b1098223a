using ZkMitosis.Lab.Manifest;
using ZkMitosis.Lab.Security;
using ZkMitosis.Lab.Services;

namespace ZkMitosis.Lab.Hosts;

/// <summary>
/// The other tenant's client host: a writer (in the stand-in's assembly, <c>tenant-writer</c> mode) that keeps
/// writing serial-numbered znodes under <c>/other</c> on the source and records each acknowledged one.
/// </summary>
public static class TenantHostFiles
{
    public const string TenantRoot = "/other";

    /// <summary>Writes the writer's command; with <paramref name="secure"/>, its TLS files and JAAS login (<see cref="LabSecurity"/>).</summary>
    public static void Write(LabHost host, string sourceConnect, LabBinaries binaries, bool secure = false)
    {
        var layout = host.Layout;
        layout.Create();
        string[] security = secure ? ["--jaas", LabSecurity.Jaas(host), "--tls-ca", LabSecurity.TrustStore(host), "--tls-keystore", LabSecurity.KeyStore(host)] : [];
        ServiceEnvironment.Write(
            layout.ServiceEnvironment(HostLayout.TenantService),
            [.. binaries.StandInCommand(), "tenant-writer", "--connect", sourceConnect, "--root", TenantRoot, "--state", layout.TenantState, .. security],
            match: layout.TenantState,
            logFile: layout.LogFile(HostLayout.TenantService));
    }
}
