using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using TokenSdk.Cli.Stores;
using TokenSdk.Storage;

namespace TokenSdk.Cli.Tests.TestSupport;

/// <summary>
/// A store kind for tests run in process, <c>--store memory:NAME</c>: an <see cref="InMemoryTokenStore"/> kept for the
/// test across the tool's invocations, as a file store directory is. Used where the file store cannot serve (it keeps
/// no custom roles yet); never by the tool itself.
/// </summary>
internal sealed class MemoryStoreKind : IStoreKind
{
    private static readonly ConcurrentDictionary<string, InMemoryTokenStore> s_stores = new(StringComparer.Ordinal);

    /// <summary>Gets the single instance.</summary>
    public static MemoryStoreKind Instance { get; } = new();

    /// <summary>Gets the store kinds of an invocation in a test: the tool's and this one.</summary>
    public static IReadOnlyList<IStoreKind> WithToolKinds { get; } = [.. StoreSelection.Kinds, Instance];

    /// <inheritdoc/>
    public string Name => "memory";

    /// <inheritdoc/>
    public bool SelectedByNameAlone => false;

    /// <summary>Forgets a store.</summary>
    /// <param name="name">The name after <c>memory:</c>.</param>
    public static void Remove(string name) => s_stores.TryRemove(name, out _);

    /// <inheritdoc/>
    public void Check(string location, CliEnvironment environment, bool create)
    {
        // As the file store: only the commands that may create a store find a missing one acceptable.
        if (!create && !s_stores.ContainsKey(location))
        {
            throw new CliException(ExitCodes.StoreError, $"The memory store '{location}' does not exist.");
        }
    }

    /// <inheritdoc/>
    public void Register(ITokenSdkBuilder builder, string location, CliEnvironment environment) =>
        builder.Services.AddSingleton<ITokenStore>(s_stores.GetOrAdd(location, _ => new InMemoryTokenStore()));
}
