using System.Text.Json;

namespace ZkMitosis.Lab.Services;

/// <summary>
/// Where the programs a lab host runs are: the agent, the Kafka broker stand-in and the service script, and how to run
/// them. Explicit paths win; then environment variables (<c>ZKM_AGENT_DLL</c>, which may also name a published agent
/// executable, <c>ZKM_STANDIN_DLL</c>); then this assembly's directory; then the source tree's build output; for the
/// agent, last, where the <c>zkmitosis-agent</c> package installs it (<see cref="InstalledAgent"/>). A framework-dependent
/// dll runs with the dotnet host; one from a self-contained publish (the <c>zkmitosis</c> package) runs as its own
/// executable beside it, as the dotnet host cannot run it ("Could not resolve CoreCLR path").
/// </summary>
public sealed record LabBinaries(string? Agent, string? StandIn, string ServiceScript)
{
    public const string AgentFileName = "zkmitosis-agent.dll";
    public const string StandInFileName = "zkmitosis-kafka-standin.dll";
    public const string ServiceScriptFileName = "lab-service.sh";

    /// <summary>The agent the <c>zkmitosis-agent</c> package installs (Native AOT): what an installed CLI's lab runs.</summary>
    public const string InstalledAgent = "/usr/lib/zkmitosis-agent/zkmitosis-agent";

    public static LabBinaries Resolve(string? agentPath, string? standInPath)
    {
        var script = Path.Combine(AppContext.BaseDirectory, ServiceScriptFileName);
        if (!File.Exists(script))
        {
            throw new LabException($"the lab's service script is missing: {script} (rebuild ZkMitosis.Lab; it is copied to the output directory)");
        }

        return new LabBinaries(
            Find(agentPath, "ZKM_AGENT_DLL", AgentFileName, Path.Combine("agent", "bin")) ?? (File.Exists(InstalledAgent) ? InstalledAgent : null),
            Find(standInPath, "ZKM_STANDIN_DLL", StandInFileName, Path.Combine("cli", "ZkMitosis.KafkaStandIn", "bin")),
            script);
    }

    /// <summary>The agent's dll or executable, or a clear error saying how to get one.</summary>
    public string RequireAgent() => Agent ?? throw new LabException($"the agent is not built or installed: {AgentFileName} not found, nor {InstalledAgent} (install the zkmitosis-agent package, dotnet build agent/ZkMitosis.Agent.csproj, or set ZKM_AGENT_DLL)");

    /// <summary>
    /// How to run the agent: <c>dotnet zkmitosis-agent.dll</c>, or a published executable (ZKM_AGENT_DLL may name the
    /// Native AOT binary the packages ship, so the lab runs what production runs).
    /// </summary>
    /// <exception cref="LabException">no agent, or it needs a dotnet host or app host that is missing.</exception>
    public IReadOnlyList<string> AgentCommand() => CommandFor(RequireAgent());

    /// <summary>The stand-in's dll, or a clear error saying how to build it.</summary>
    public string RequireStandIn() => StandIn ?? throw new LabException($"the Kafka broker stand-in is not built: {StandInFileName} not found (dotnet build cli/ZkMitosis.KafkaStandIn/ZkMitosis.KafkaStandIn.csproj, or set ZKM_STANDIN_DLL)");

    /// <summary>How to run the stand-in: <c>dotnet zkmitosis-kafka-standin.dll</c>, or its executable in a self-contained publish.</summary>
    /// <exception cref="LabException">no stand-in, or it needs a dotnet host or app host that is missing.</exception>
    public IReadOnlyList<string> StandInCommand() => CommandFor(RequireStandIn());

    /// <summary>
    /// A published executable runs as itself; a dll with the dotnet host, unless its runtimeconfig.json lists the
    /// frameworks it carries (<c>includedFrameworks</c>: a self-contained publish), whose app host beside it runs it.
    /// </summary>
    internal static IReadOnlyList<string> CommandFor(string program)
    {
        if (!program.EndsWith(".dll", StringComparison.OrdinalIgnoreCase))
        {
            return [program];
        }

        if (!IsSelfContained(program))
        {
            return [FindDotNet(), program];
        }

        var appHost = program[..^".dll".Length];
        return File.Exists(appHost)
            ? [appHost]
            : throw new LabException($"{program} is from a self-contained publish, which the dotnet host cannot run, and its executable {appHost} is missing");
    }

    private static bool IsSelfContained(string dll)
    {
        var runtimeConfig = Path.ChangeExtension(dll, ".runtimeconfig.json");
        if (!File.Exists(runtimeConfig))
        {
            return false;
        }

        try
        {
            using var document = JsonDocument.Parse(File.ReadAllBytes(runtimeConfig));
            return document.RootElement.TryGetProperty("runtimeOptions", out var options) && options.TryGetProperty("includedFrameworks", out _);
        }
        catch (JsonException e)
        {
            throw new LabException($"{runtimeConfig} is not valid JSON: {e.Message}");
        }
    }

    private static string? Find(string? explicitPath, string variable, string fileName, string sourceTreeBin)
    {
        if (explicitPath is not null)
        {
            return File.Exists(explicitPath) ? Path.GetFullPath(explicitPath) : throw new LabException($"{explicitPath} does not exist");
        }

        var fromEnvironment = Environment.GetEnvironmentVariable(variable);
        if (!string.IsNullOrEmpty(fromEnvironment))
        {
            return File.Exists(fromEnvironment) ? fromEnvironment : throw new LabException($"{variable}={fromEnvironment} does not exist");
        }

        var beside = Path.Combine(AppContext.BaseDirectory, fileName);
        if (File.Exists(beside))
        {
            return beside;
        }

        // In the source tree: prefer the configuration this assembly was built in, then the newest build.
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (!File.Exists(Path.Combine(directory.FullName, "ZkMitosis.sln")))
            {
                continue;
            }

            var bin = Path.Combine(directory.FullName, sourceTreeBin);
            if (!System.IO.Directory.Exists(bin))
            {
                return null;
            }

            var candidates = System.IO.Directory.GetFiles(bin, fileName, SearchOption.AllDirectories)
                .Where(path => !path.Contains($"{Path.DirectorySeparatorChar}publish{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
                .ToList();
            var configuration = AppContext.BaseDirectory.Contains("/Release/", StringComparison.Ordinal) ? "/Release/" : "/Debug/";
            return candidates.Where(path => path.Contains(configuration, StringComparison.Ordinal)).OrderByDescending(File.GetLastWriteTimeUtc).FirstOrDefault()
                ?? candidates.OrderByDescending(File.GetLastWriteTimeUtc).FirstOrDefault();
        }

        return null;
    }

    private static string FindDotNet()
    {
        var current = Environment.ProcessPath;
        if (current is not null && Path.GetFileName(current) == "dotnet")
        {
            return current;
        }

        var root = Environment.GetEnvironmentVariable("DOTNET_ROOT");
        if (!string.IsNullOrEmpty(root) && File.Exists(Path.Combine(root, "dotnet")))
        {
            return Path.Combine(root, "dotnet");
        }

        foreach (var directory in (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(directory, "dotnet");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new LabException("the dotnet host is not on PATH; the lab runs agents and stand-ins with it");
    }
}
