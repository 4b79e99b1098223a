using Microsoft.Extensions.Options;
using ZkMitosis.Agent.Configuration;

namespace ZkMitosis.Agent.Hosting;

/// <summary>The config file was missing, unreadable, or invalid. The message names the file and every bad field.</summary>
public sealed class AgentConfigurationException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>Loads and validates <c>agent.json</c> before anything else starts.</summary>
public static class AgentConfiguration
{
    public const string DefaultPath = "/etc/zkmitosis/agent.json";

    /// <summary>The value of <c>--config PATH</c> (or <c>--config=PATH</c>), else the default path.</summary>
    public static string ConfigPath(string[] args)
    {
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] == "--config" && i + 1 < args.Length)
            {
                return args[i + 1];
            }

            if (args[i].StartsWith("--config=", StringComparison.Ordinal))
            {
                return args[i]["--config=".Length..];
            }
        }

        return DefaultPath;
    }

    /// <summary>The file as configuration (no other source: the file is the whole truth).</summary>
    /// <exception cref="AgentConfigurationException">missing or not JSON.</exception>
    public static IConfigurationRoot Load(string path)
    {
        if (!File.Exists(path))
        {
            throw new AgentConfigurationException($"{path}: no such file (pass --config PATH; the packaged default is {DefaultPath})");
        }

        try
        {
            return new ConfigurationBuilder().AddJsonFile(Path.GetFullPath(path), optional: false, reloadOnChange: false).Build();
        }
        catch (Exception e) when (e is FormatException or InvalidDataException or System.Text.Json.JsonException)
        {
            throw new AgentConfigurationException($"{path}: not valid JSON: {e.Message}", e);
        }
    }

    /// <summary>Binds and validates; unknown keys are errors (a typo must not silently fall back to a default).</summary>
    /// <exception cref="AgentConfigurationException">every problem, each naming its field.</exception>
    public static AgentOptions BindAndValidate(IConfiguration configuration, string path)
    {
        var options = new AgentOptions();
        try
        {
            configuration.Bind(options, Bind);
        }
        catch (InvalidOperationException e)
        {
            throw new AgentConfigurationException($"{path}: {e.Message}", e);
        }

        var failures = new List<string>();
        foreach (IValidateOptions<AgentOptions> validator in new IValidateOptions<AgentOptions>[] { new AgentOptionsAttributeValidator(), new AgentOptionsValidator() })
        {
            var result = validator.Validate(Options.DefaultName, options);
            if (result.Failed)
            {
                failures.AddRange(result.Failures);
            }
        }

        return failures.Count == 0
            ? options
            : throw new AgentConfigurationException($"{path} is invalid:\n  " + string.Join("\n  ", failures.Distinct(StringComparer.Ordinal)));
    }

    public static void Bind(BinderOptions options) => options.ErrorOnUnknownConfiguration = true;
}
