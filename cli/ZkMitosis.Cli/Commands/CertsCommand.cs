using System.CommandLine;

namespace ZkMitosis.Cli.Commands;

/// <summary>`zkmitosis certs`.</summary>
internal static class CertsCommand
{
    public static Command Create() => new("certs", "the CA and certificates for agent mTLS");
}
