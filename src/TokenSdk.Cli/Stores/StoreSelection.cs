namespace TokenSdk.Cli.Stores;

/// <summary>
/// Which store a command works on: <c>--store</c>, else the environment variable <c>TOKENSDK_STORE</c>.
/// The value is <c>[kind:]location</c>; without a known kind prefix it is a file store directory. A kind
/// <see cref="IStoreKind.SelectedByNameAlone"/> is also selected by its bare name (<c>postgres</c>).
/// </summary>
internal sealed class StoreSelection
{
    /// <summary>The environment variable that names the store when <c>--store</c> is absent.</summary>
    public const string EnvironmentVariable = "TOKENSDK_STORE";

    private StoreSelection(IStoreKind kind, string location)
    {
        Kind = kind;
        Location = location;
    }

    /// <summary>Gets the store kinds the tool knows, by prefix.</summary>
    public static IReadOnlyList<IStoreKind> Kinds { get; } = [FileStoreKind.Instance, PostgreSqlStoreKind.Instance];

    /// <summary>Gets the kind of store.</summary>
    public IStoreKind Kind { get; }

    /// <summary>Gets the location after the prefix (the directory of a file store, the schema of a PostgreSQL store, or empty).</summary>
    public string Location { get; }

    /// <summary>Resolves the store from the option value or the environment.</summary>
    /// <param name="option">The value of <c>--store</c>, or <see langword="null"/>.</param>
    /// <param name="getVariable">Reads an environment variable (<c>TOKENSDK_STORE</c>).</param>
    /// <exception cref="CliException">Neither is set (<see cref="ExitCodes.Usage"/>).</exception>
    public static StoreSelection Resolve(string? option, Func<string, string?> getVariable) =>
        Resolve(option, getVariable, Kinds);

    /// <summary>Resolves the store from the option value or the environment, among <paramref name="kinds"/>.</summary>
    /// <param name="option">The value of <c>--store</c>, or <see langword="null"/>.</param>
    /// <param name="getVariable">Reads an environment variable (<c>TOKENSDK_STORE</c>).</param>
    /// <param name="kinds">The kinds of store that can be selected; without a known prefix, the file store.</param>
    /// <exception cref="CliException">Neither is set (<see cref="ExitCodes.Usage"/>).</exception>
    public static StoreSelection Resolve(string? option, Func<string, string?> getVariable, IReadOnlyList<IStoreKind> kinds)
    {
        ArgumentNullException.ThrowIfNull(kinds);
        string? value = string.IsNullOrWhiteSpace(option) ? getVariable(EnvironmentVariable) : option;
        if (string.IsNullOrWhiteSpace(value))
        {
            throw new CliException(ExitCodes.Usage, $"No token store given: pass --store DIR (or --store postgres) or set {EnvironmentVariable}.");
        }

        foreach (IStoreKind kind in kinds)
        {
            if (kind.SelectedByNameAlone && value.Equals(kind.Name, StringComparison.OrdinalIgnoreCase))
            {
                return new StoreSelection(kind, string.Empty);
            }

            string prefix = kind.Name + ":";
            if (value.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
            {
                return new StoreSelection(kind, value[prefix.Length..]);
            }
        }

        // No prefix: a directory (a drive letter such as C: is a path, not a kind).
        return new StoreSelection(FileStoreKind.Instance, value);
    }

    /// <summary>Returns whether a store is given, by <c>--store</c> or <c>TOKENSDK_STORE</c>.</summary>
    /// <param name="option">The value of <c>--store</c>, or <see langword="null"/>.</param>
    /// <param name="getVariable">Reads an environment variable (<c>TOKENSDK_STORE</c>).</param>
    public static bool IsGiven(string? option, Func<string, string?> getVariable) =>
        !string.IsNullOrWhiteSpace(option) || !string.IsNullOrWhiteSpace(getVariable(EnvironmentVariable));

    /// <inheritdoc/>
    public override string ToString() => $"{Kind.Name}:{Location}";
}
