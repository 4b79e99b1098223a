using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;

namespace ZkMitosis.Testing.Security;

/// <summary>
/// A real MIT Kerberos KDC (Debian krb5-kdc: <c>krb5kdc</c>, <c>kdb5_util</c>, <c>kadmin.local</c>) for realm
/// <see cref="Realm"/>, in its own directory on 127.0.0.1 and a free port: its kdc.conf, a krb5.conf for clients
/// (<see cref="Krb5ConfigFile"/>; JVMs take it as <c>java.security.krb5.conf</c>, krb5 as <c>KRB5_CONFIG</c>), its
/// database, and <c>krb5kdc -n</c> as a child process killed by its pid at dispose. Principals get random keys,
/// exported to keytabs in the directory.
/// </summary>
public sealed class TestKdc : IDisposable
{
    public const string Realm = "ZKM.TEST";

    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(30);

    private readonly Process _kdc;

    private TestKdc(string directory, int port, Process kdc)
    {
        Directory = directory;
        Port = port;
        _kdc = kdc;
    }

    public string Directory { get; }

    public int Port { get; }

    /// <summary>The clients' krb5.conf: default realm <see cref="Realm"/>, its KDC on 127.0.0.1:<see cref="Port"/> over TCP, no DNS.</summary>
    public string Krb5ConfigFile => Path.Combine(Directory, "krb5.conf");

    private string KdcConfigFile => Path.Combine(Directory, "kdc.conf");

    /// <summary>The native environment krb5 needs to reach this KDC (<c>KRB5_CONFIG</c>).</summary>
    public IReadOnlyDictionary<string, string> ClientEnvironment => new Dictionary<string, string> { ["KRB5_CONFIG"] = Krb5ConfigFile };

    /// <summary>Creates the realm in <paramref name="directory"/> (created if missing) and starts the KDC; waits at most 20 s for it.</summary>
    /// <exception cref="InvalidOperationException">The KDC tools are not installed, or the KDC did not start (with its log).</exception>
    public static async Task<TestKdc> StartAsync(string directory)
    {
        foreach (var tool in new[] { "/usr/sbin/krb5kdc", "/usr/sbin/kdb5_util", "/usr/sbin/kadmin.local" })
        {
            if (!File.Exists(tool))
            {
                throw new InvalidOperationException($"{tool} is missing: install the MIT KDC (sudo apt-get install -y krb5-kdc krb5-admin-server krb5-user)");
            }
        }

        System.IO.Directory.CreateDirectory(directory);
        var port = FreePorts.Next();
        var p = port.ToString(CultureInfo.InvariantCulture);
        File.WriteAllText(Path.Combine(directory, "kdc.conf"), $$"""
            [kdcdefaults]
             kdc_listen = 127.0.0.1:{{p}}
             kdc_tcp_listen = 127.0.0.1:{{p}}
            [realms]
             {{Realm}} = {
              database_name = {{directory}}/principal
              key_stash_file = {{directory}}/stash
              acl_file = {{directory}}/kadm5.acl
              kdc_listen = 127.0.0.1:{{p}}
              kdc_tcp_listen = 127.0.0.1:{{p}}
              max_life = 1h
             }
            [logging]
             kdc = FILE:{{directory}}/kdc.log
            """);
        File.WriteAllText(Path.Combine(directory, "krb5.conf"), $$"""
            [libdefaults]
             default_realm = {{Realm}}
             dns_lookup_realm = false
             dns_lookup_kdc = false
             dns_canonicalize_hostname = false
             rdns = false
             udp_preference_limit = 1
            [realms]
             {{Realm}} = {
              kdc = 127.0.0.1:{{p}}
             }
            [domain_realm]
             localhost = {{Realm}}
            """);
        var environment = new Dictionary<string, string>
        {
            ["KRB5_CONFIG"] = Path.Combine(directory, "krb5.conf"),
            ["KRB5_KDC_PROFILE"] = Path.Combine(directory, "kdc.conf"),
        };
        await RunAsync(environment, "/usr/sbin/kdb5_util", "create", "-s", "-r", Realm, "-P", $"master-{Guid.NewGuid():N}");

        var start = new ProcessStartInfo("/usr/sbin/krb5kdc") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { "-n", "-r", Realm })
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var kdc = new TestKdc(directory, port, process);
        try
        {
            await kdc.WaitListeningAsync(TimeSpan.FromSeconds(20));
            return kdc;
        }
        catch
        {
            kdc.Dispose();
            throw;
        }
    }

    /// <summary>Adds <paramref name="name"/> (without realm) with a random key and exports it to a new keytab; returns the keytab's path.</summary>
    public async Task<string> AddPrincipalAsync(string name)
    {
        var keyTab = Path.Combine(Directory, $"{name.Replace('/', '_')}-{Guid.NewGuid():N}.keytab");
        await KadminAsync($"addprinc -randkey {name}@{Realm}");
        await KadminAsync($"ktadd -k {keyTab} {name}@{Realm}");
        return keyTab;
    }

    /// <summary>Deletes <paramref name="name"/> from the KDC (its keytabs stay, now naming a principal the KDC does not know).</summary>
    public Task DeletePrincipalAsync(string name) => KadminAsync($"delprinc -force {name}@{Realm}");

    /// <summary>The KDC's log, for failure messages.</summary>
    public string LogTail(int lines)
    {
        var log = Path.Combine(Directory, "kdc.log");
        return File.Exists(log) ? string.Join('\n', File.ReadLines(log).TakeLast(lines)) : "(no kdc.log)";
    }

    /// <summary>Kills the KDC (by its pid) and waits for it; the directory is the caller's.</summary>
    public void Dispose()
    {
        try
        {
            if (!_kdc.HasExited)
            {
                _kdc.Kill();
                _kdc.WaitForExit(10_000);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }

        _kdc.Dispose();
    }

    private Task KadminAsync(string query) => RunAsync(
        new Dictionary<string, string> { ["KRB5_CONFIG"] = Krb5ConfigFile, ["KRB5_KDC_PROFILE"] = KdcConfigFile },
        "/usr/sbin/kadmin.local", "-r", Realm, "-q", query);

    private async Task WaitListeningAsync(TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            if (_kdc.HasExited)
            {
                throw new InvalidOperationException($"krb5kdc exited with {_kdc.ExitCode}; kdc.log:\n{LogTail(20)}");
            }

            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync("127.0.0.1", Port).WaitAsync(TimeSpan.FromSeconds(2));
                return;
            }
            catch (Exception e) when (e is SocketException or TimeoutException)
            {
                if (DateTime.UtcNow > deadline)
                {
                    throw new InvalidOperationException($"krb5kdc is not listening on 127.0.0.1:{Port} after {timeout}; kdc.log:\n{LogTail(20)}");
                }

                await Task.Delay(100);
            }
        }
    }

    private static async Task RunAsync(IReadOnlyDictionary<string, string> environment, string file, params string[] arguments)
    {
        var start = new ProcessStartInfo(file) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        using var process = Process.Start(start)!;
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(CommandTimeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill();
            throw new InvalidOperationException($"{file} {string.Join(' ', arguments.Take(2))} did not finish within {CommandTimeout}");
        }

        // kadmin.local exits 0 even when its query fails; its stderr says so.
        var text = await error;
        if (process.ExitCode != 0 || text.Contains("error", StringComparison.OrdinalIgnoreCase) || text.Contains("while ", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', arguments.Take(2))} failed (exit {process.ExitCode}): {await output} {text}");
        }
    }
}
