using Microsoft.Extensions.DependencyInjection;

namespace TokenSdk.Cli.Stores;

/// <summary>
/// The file store (<c>FileTokenStore</c>): a directory, shared safely with the services that verify tokens from it.
/// Changes made here reach those processes within the store's refresh bound (about a second).
/// </summary>
internal sealed class FileStoreKind : IStoreKind
{
    /// <summary>Gets the single instance.</summary>
    public static FileStoreKind Instance { get; } = new();

    /// <inheritdoc/>
    public string Name => "file";

    /// <inheritdoc/>
    public bool SelectedByNameAlone => false;

    /// <inheritdoc/>
    public void Check(string location, CliEnvironment environment, bool create)
    {
        if (string.IsNullOrWhiteSpace(location))
        {
            throw new CliException(ExitCodes.Usage, "The store directory is empty: pass --store DIR or set TOKENSDK_STORE.");
        }

        // Messages name the directory as it was given; the checks use it resolved against the working directory.
        string directory = environment.FullPath(location);
        if (File.Exists(directory))
        {
            throw new CliException(ExitCodes.StoreError, $"The store '{location}' is a file; --store names the store's directory.");
        }

        // Only 'tokens create' and 'roles create' may start a new store: a mistyped --store elsewhere must not leave an
        // empty store behind.
        if (!create && !Directory.Exists(directory))
        {
            throw new CliException(ExitCodes.StoreError,
                $"The store directory '{location}' does not exist. Check --store or TOKENSDK_STORE; 'tokensdk tokens create' or 'tokensdk roles create' creates a new store.");
        }
    }

    /// <inheritdoc/>
    public void Register(ITokenSdkBuilder builder, string location, CliEnvironment environment) =>
        builder.AddFileStore(environment.FullPath(location));
}
