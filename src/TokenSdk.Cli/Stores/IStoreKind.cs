using Microsoft.Extensions.DependencyInjection;

namespace TokenSdk.Cli.Stores;

/// <summary>
/// One kind of token store the tool can open, selected by its name as a prefix (<c>file:DIR</c>,
/// <c>postgres:SCHEMA</c>). A new kind is one implementation added to <see cref="StoreSelection.Kinds"/>.
/// </summary>
internal interface IStoreKind
{
    /// <summary>Gets the kind's name, also the prefix that selects it (<c>file:</c>).</summary>
    string Name { get; }

    /// <summary>
    /// Gets whether the name alone, without a colon (<c>--store postgres</c>), selects the kind with an empty location.
    /// Not for the file store: a bare <c>file</c> stays a directory of that name.
    /// </summary>
    bool SelectedByNameAlone { get; }

    /// <summary>Checks the location (and what the kind reads from the environment) before anything is opened.</summary>
    /// <param name="location">The location after the prefix (a directory for the file store, a schema for PostgreSQL).</param>
    /// <param name="environment">The invocation's environment: variables, and the directory a relative path starts from.</param>
    /// <param name="create">Whether the command may create an empty store (only <c>tokens create</c> and <c>roles create</c>).</param>
    /// <exception cref="CliException">The store cannot be used; the message says why.</exception>
    void Check(string location, CliEnvironment environment, bool create);

    /// <summary>Registers the store with TokenSdk.</summary>
    /// <param name="builder">The TokenSdk builder.</param>
    /// <param name="location">The location after the prefix.</param>
    /// <param name="environment">The invocation's environment.</param>
    void Register(ITokenSdkBuilder builder, string location, CliEnvironment environment);
}
