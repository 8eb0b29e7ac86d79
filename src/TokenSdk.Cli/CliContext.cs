using System.CommandLine;
using TokenSdk.Cli.Output;
using TokenSdk.Cli.Stores;

namespace TokenSdk.Cli;

/// <summary>
/// One invocation of one command: its <see cref="CliEnvironment"/> and the options every command shares
/// (<c>--config</c>, <c>--org</c>), read from the parse result. Passed to the command's body; nothing is kept in
/// static state, so invocations in one process never see each other's settings.
/// </summary>
internal sealed class CliContext
{
    /// <summary>The name of the <c>--config FILE</c> option, on every command.</summary>
    public const string ConfigOptionName = "--config";

    /// <summary>The name of the <c>--org ID</c> option, on every command.</summary>
    public const string OrganizationOptionName = "--org";

    /// <summary>Creates the context.</summary>
    /// <param name="environment">The environment.</param>
    /// <param name="configFile">The <c>--config</c> value, or <see langword="null"/>.</param>
    /// <param name="organization">The <c>--org</c> value, or <see langword="null"/>.</param>
    public CliContext(CliEnvironment environment, string? configFile, string? organization)
    {
        Environment = environment;
        ConfigFile = configFile;
        Organization = organization;
    }

    /// <summary>Gets the environment: streams, variables, working directory.</summary>
    public CliEnvironment Environment { get; }

    /// <summary>Gets standard output.</summary>
    public TextWriter Out => Environment.Out;

    /// <summary>Gets standard error.</summary>
    public ErrorOutput Errors => Environment.Errors;

    /// <summary>Gets what the streams are connected to.</summary>
    public Terminal Terminal => Environment.Terminal;

    /// <summary>Gets the <c>--config</c> value: the configuration file, else <c>TOKENSDK_CONFIG</c> applies.</summary>
    public string? ConfigFile { get; }

    /// <summary>Gets the <c>--org</c> value: the organization to act in instead of the configured default.</summary>
    public string? Organization { get; }

    /// <summary>Reads the shared options from a parse result.</summary>
    /// <param name="environment">The environment.</param>
    /// <param name="parse">The parse result of the command being run.</param>
    public static CliContext From(CliEnvironment environment, ParseResult parse) =>
        new(environment, parse.GetValue<string?>(ConfigOptionName), parse.GetValue<string?>(OrganizationOptionName));

    /// <summary>Resolves the store from <c>--store</c> or <c>TOKENSDK_STORE</c>.</summary>
    /// <param name="option">The <c>--store</c> value, or <see langword="null"/>.</param>
    /// <exception cref="CliException">Neither is set.</exception>
    public StoreSelection ResolveStore(string? option) => StoreSelection.Resolve(option, Environment.GetVariable, Environment.StoreKinds);

    /// <summary>Resolves the store from <c>--store</c> or <c>TOKENSDK_STORE</c>, if either is set.</summary>
    /// <param name="option">The <c>--store</c> value, or <see langword="null"/>.</param>
    /// <returns>The store, or <see langword="null"/> when neither is set.</returns>
    public StoreSelection? ResolveStoreIfGiven(string? option) =>
        StoreSelection.IsGiven(option, Environment.GetVariable) ? ResolveStore(option) : null;

    /// <summary>Loads the TokenSdk options from <c>--config</c> or <c>TOKENSDK_CONFIG</c>.</summary>
    /// <exception cref="CliException">The file is missing or invalid.</exception>
    public Action<TokenSdkOptions> LoadOptions() => CliConfiguration.Load(ConfigFile, Environment);
}
