using System.Diagnostics;
using System.Text;

namespace ZkMitosis.Coordinator.Tests.Reporting;

/// <summary>
/// Debian's <c>chromium</c> (installed by ./zkm) run headless on a local file: a screenshot, or the DOM after the
/// page loaded. Each run has its own profile under the caller's test directory, no network, a bounded wait, and
/// every process it left (found by that profile's path) is ended by pid.
/// </summary>
internal static class HeadlessChromium
{
    private const string Executable = "/usr/bin/chromium";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);

    /// <summary>A PNG of <paramref name="htmlPath"/> in a window of <paramref name="width"/> x <paramref name="height"/> CSS pixels.</summary>
    public static async Task<byte[]> ScreenshotAsync(string htmlPath, string workDirectory, int width, int height)
    {
        var png = Path.Combine(workDirectory, "screenshot.png");
        await RunAsync(workDirectory, $"--screenshot={png}", $"--window-size={width},{height}", new Uri(htmlPath).AbsoluteUri);
        Assert.True(File.Exists(png), $"chromium wrote no screenshot to {png}");
        return await File.ReadAllBytesAsync(png);
    }

    /// <summary>The serialized DOM of <paramref name="htmlPath"/> once loaded (<c>--dump-dom</c>).</summary>
    public static Task<string> DumpDomAsync(string htmlPath, string workDirectory) =>
        RunAsync(workDirectory, "--dump-dom", new Uri(htmlPath).AbsoluteUri);

    private static async Task<string> RunAsync(string workDirectory, params string[] arguments)
    {
        Assert.True(File.Exists(Executable), $"{Executable} is missing: ./zkm installs Debian's chromium package (apt-get install chromium)");
        var profile = Path.Combine(workDirectory, "chromium-profile-" + Guid.NewGuid().ToString("N")[..8]);
        var start = new ProcessStartInfo(Executable) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        // As root Chromium needs --no-sandbox; the rest keeps it from reaching out (no network is needed: the page is self-contained).
        string[] fixedArguments =
        [
            "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--no-default-browser-check", "--disable-extensions",
            "--disable-background-networking", "--disable-sync", "--hide-scrollbars", "--proxy-server=127.0.0.1:9", "--user-data-dir=" + profile,
        ];
        foreach (var argument in fixedArguments.Concat(arguments))
        {
            start.ArgumentList.Add(argument);
        }

        // Crash reports and caches go under the test directory too, not the user's home.
        start.Environment["XDG_CONFIG_HOME"] = Path.Combine(profile, "config");
        start.Environment["XDG_CACHE_HOME"] = Path.Combine(profile, "cache");
        using var process = Process.Start(start)!;
        var stdout = new StringBuilder();
        var stderr = new StringBuilder();
        process.OutputDataReceived += (_, e) => Append(stdout, e.Data);
        process.ErrorDataReceived += (_, e) => Append(stderr, e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            using var timeout = new CancellationTokenSource(Timeout);
            await process.WaitForExitAsync(timeout.Token);
            process.WaitForExit();
            Assert.True(process.ExitCode == 0, $"chromium exited {process.ExitCode}: {Tail(stderr)}");
            lock (stdout)
            {
                return stdout.ToString();
            }
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"chromium did not finish within {Timeout.TotalSeconds} s: {Tail(stderr)}");
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }

            EndLeftovers(profile);
            DeleteProfile(profile);
        }
    }

    /// <summary>Ends any Chromium helper (zygote, renderer) still running with our profile on its command line, by pid.</summary>
    private static void EndLeftovers(string profile)
    {
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), out var pid))
            {
                continue;
            }

            try
            {
                var commandLine = File.ReadAllText(Path.Combine(directory, "cmdline"));
                if (commandLine.Contains("--user-data-dir=" + profile, StringComparison.Ordinal))
                {
                    using var leftover = Process.GetProcessById(pid);
                    leftover.Kill();
                    leftover.WaitForExit(5000);
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or InvalidOperationException)
            {
                // Gone already.
            }
        }
    }

    private static void DeleteProfile(string profile)
    {
        try
        {
            Directory.Delete(profile, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
    }

    private static void Append(StringBuilder buffer, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (buffer)
        {
            buffer.Append(line).Append('\n');
        }
    }

    private static string Tail(StringBuilder buffer)
    {
        lock (buffer)
        {
            var text = buffer.ToString();
            return text.Length > 2000 ? text[^2000..] : text;
        }
    }
}
