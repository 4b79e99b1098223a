using System.CommandLine;
using System.Globalization;
using System.Net;
using ZkMitosis.Coordinator.Security;

namespace ZkMitosis.Cli.Commands;

/// <summary>
/// `zkmitosis certs init` (a CA) and `zkmitosis certs issue` (an agent's server certificate with the host's names and
/// addresses, or a coordinator's client certificate), as PEM files; keys are written 0600.
/// </summary>
internal static class CertsCommand
{
    public static Command Create()
    {
        var command = new Command("certs", "the CA and certificates for agent mTLS");
        command.Subcommands.Add(Init());
        command.Subcommands.Add(Issue());
        return command;
    }

    /// <summary>Validity in days, 1 to 36500 (a negative or zero lifetime would make a certificate that expired before it began).</summary>
    private static Option<int> DaysOption(int defaultDays)
    {
        var days = new Option<int>("--days") { Description = "validity in days (1 to 36500)", DefaultValueFactory = _ => defaultDays };
        days.Validators.Add(result =>
        {
            // Validators run even when the token is not a number (the parser reports that itself); reading the
            // value then would throw, so look at the token.
            if (result.Tokens is [var token] && int.TryParse(token.Value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value) && value is < 1 or > 36500)
            {
                result.AddError($"--days must be from 1 to 36500, not {value}");
            }
        });
        return days;
    }

    private static Command Init()
    {
        var directory = new Option<string>("--dir") { Description = "where to write ca.crt and ca.key", DefaultValueFactory = _ => "." };
        var name = new Option<string>("--name") { Description = "the CA's common name", DefaultValueFactory = _ => "zkmitosis CA" };
        var days = DaysOption(3650);
        var force = new Option<bool>("--force") { Description = "replace existing files" };
        var command = new Command("init", "create a CA (ca.crt, ca.key)") { directory, name, days, force };
        command.SetAction(result =>
        {
            using var ca = CertificateAuthority.Create(result.GetValue(name)!, TimeSpan.FromDays(result.GetValue(days)));
            var (certificate, key) = PemFiles.Write(ca.Certificate, result.GetValue(directory)!, "ca", result.GetValue(force));
            Console.WriteLine($"CA written: {certificate} and {key} (keep the key offline; give agents and coordinators ca.crt)");
            return 0;
        });
        return command;
    }

    private static Command Issue()
    {
        var directory = new Option<string>("--dir") { Description = "where ca.crt and ca.key are, and where to write the new files", DefaultValueFactory = _ => "." };
        var kind = new Argument<string>("kind") { Description = "server (an agent) or client (a coordinator or operator)" };
        kind.AcceptOnlyFromAmong("server", "client");
        var name = new Option<string>("--name") { Description = "common name and file name (e.g. the host name)", Required = true };
        var dns = new Option<string[]>("--dns") { Description = "DNS names for a server certificate", AllowMultipleArgumentsPerToken = true };
        var ip = new Option<string[]>("--ip") { Description = "IP addresses for a server certificate", AllowMultipleArgumentsPerToken = true };
        var days = DaysOption(730);
        var force = new Option<bool>("--force") { Description = "replace existing files" };
        var command = new Command("issue", "issue an agent server certificate or a client certificate signed by the CA") { kind, directory, name, dns, ip, days, force };
        command.SetAction(result =>
        {
            var dir = result.GetValue(directory)!;
            var caCertificate = Path.Combine(dir, "ca.crt");
            var caKey = Path.Combine(dir, "ca.key");
            if (!File.Exists(caCertificate) || !File.Exists(caKey))
            {
                Console.Error.WriteLine($"zkmitosis certs issue: {caCertificate} and {caKey} are needed (run 'zkmitosis certs init --dir {dir}' first)");
                return 2;
            }

            var addresses = new List<IPAddress>();
            foreach (var text in result.GetValue(ip) ?? [])
            {
                if (!IPAddress.TryParse(text, out var address))
                {
                    Console.Error.WriteLine($"zkmitosis certs issue: --ip '{text}' is not an IP address");
                    return 2;
                }

                addresses.Add(address);
            }

            var commonName = result.GetValue(name)!;
            using var ca = CertificateAuthority.Load(caCertificate, caKey);
            var lifetime = TimeSpan.FromDays(result.GetValue(days));
            var names = (result.GetValue(dns) ?? []).Append(commonName).ToList();
            using var issued = result.GetValue(kind) == "server"
                ? ca.IssueServer(commonName, names, addresses, lifetime)
                : ca.IssueClient(commonName, lifetime);
            var (certificate, key) = PemFiles.Write(issued, dir, commonName, result.GetValue(force));
            Console.WriteLine($"{result.GetValue(kind)} certificate for {commonName} written: {certificate} and {key} (valid until {issued.NotAfter:yyyy-MM-dd})");
            return 0;
        });
        return command;
    }
}
