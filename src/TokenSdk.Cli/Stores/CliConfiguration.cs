using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace TokenSdk.Cli.Stores;

/// <summary>
/// The TokenSdk options the tool runs with: the defaults, or the <c>TokenSdk</c> section of a JSON file given by
/// <c>--config FILE</c> or <c>TOKENSDK_CONFIG</c>: the same appsettings.json a service binds, so the tool and the
/// service agree on token prefixes, peppers, custom roles and the default organization.
/// </summary>
internal static class CliConfiguration
{
    /// <summary>The environment variable naming the configuration file.</summary>
    public const string EnvironmentVariable = "TOKENSDK_CONFIG";

    /// <summary>The configuration section bound to <see cref="TokenSdkOptions"/>.</summary>
    public const string SectionName = "TokenSdk";

    /// <summary>Returns a binder for <see cref="TokenSdkOptions"/>: a no-op without a configuration file.</summary>
    /// <param name="configFile">The <c>--config</c> value; without it, <c>TOKENSDK_CONFIG</c> applies.</param>
    /// <param name="environment">The environment: <c>TOKENSDK_CONFIG</c>, and the directory relative paths start from.</param>
    /// <exception cref="CliException">The file is missing, unreadable or not valid JSON (exit code 2).</exception>
    public static Action<TokenSdkOptions> Load(string? configFile, CliEnvironment environment)
    {
        string? path = string.IsNullOrWhiteSpace(configFile) ? environment.GetVariable(EnvironmentVariable) : configFile;
        if (string.IsNullOrWhiteSpace(path))
        {
            return static _ => { };
        }

        string fullPath = environment.FullPath(path);
        if (!File.Exists(fullPath))
        {
            throw new CliException(ExitCodes.Usage, $"The configuration file '{fullPath}' does not exist.");
        }

        IConfigurationSection section;
        try
        {
            section = new ConfigurationBuilder().AddJsonFile(fullPath, optional: false, reloadOnChange: false).Build().GetSection(SectionName);
        }
        catch (Exception ex) when (ex is InvalidDataException or FormatException or IOException or UnauthorizedAccessException)
        {
            // The JSON parser's message names the line; nothing of the file's content is echoed.
            throw new CliException(ExitCodes.Usage, $"The configuration file '{fullPath}' cannot be read: {ex.Message}");
        }

        if (!section.Exists())
        {
            throw new CliException(ExitCodes.Usage, $"The configuration file '{fullPath}' has no '{SectionName}' section.");
        }

        Action<TokenSdkOptions> bind = options => section.Bind(options);
        ThrowIfInvalid(bind, fullPath);
        return bind;
    }

    // Binds and validates the options now, as a host would at start: a bad file is a usage error, reported before
    // anything touches the store.
    private static void ThrowIfInvalid(Action<TokenSdkOptions> bind, string path)
    {
        var services = new ServiceCollection();
        services.AddTokenSdk(bind);
        using ServiceProvider provider = services.BuildServiceProvider();
        try
        {
            _ = provider.GetRequiredService<IOptions<TokenSdkOptions>>().Value;
        }
        catch (Exception ex) when (ex is OptionsValidationException or InvalidOperationException or FormatException)
        {
            throw new CliException(ExitCodes.Usage, $"The '{SectionName}' section of '{path}' is invalid: {ex.Message}");
        }
    }
}
