using Microsoft.Extensions.DependencyInjection;

namespace TokenSdk.Cli.Stores;

/// <summary>
/// One kind of token store the tool can open. The file store is the only kind today; a database store would add
/// one implementation (say <c>postgres:</c>) to <see cref="StoreSelection.Kinds"/> and nothing else.
/// </summary>
internal interface IStoreKind
{
    /// <summary>Gets the kind's name, also the prefix that selects it (<c>file:</c>).</summary>
    string Name { get; }

    /// <summary>Checks the location before anything is opened.</summary>
    /// <param name="location">The location after the prefix (a directory for the file store).</param>
    /// <param name="workingDirectory">The directory a relative location starts from, where the kind has paths.</param>
    /// <param name="create">Whether the command may create an empty store (only <c>tokens create</c>).</param>
    /// <exception cref="CliException">The store cannot be used; the message says why.</exception>
    void Check(string location, string workingDirectory, bool create);

    /// <summary>Registers the store with TokenSdk.</summary>
    /// <param name="builder">The TokenSdk builder.</param>
    /// <param name="location">The location after the prefix.</param>
    /// <param name="workingDirectory">The directory a relative location starts from, where the kind has paths.</param>
    void Register(ITokenSdkBuilder builder, string location, string workingDirectory);
}
