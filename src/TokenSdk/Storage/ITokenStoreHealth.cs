namespace TokenSdk.Storage;

/// <summary>
/// An optional capability of an <see cref="ITokenStore"/>: it can tell, without changing any token, whether it can
/// write now (a full disk, a read-only directory, a database that does not answer). Health checks use it; a store that
/// does not implement it is judged by whether it answers a read.
/// </summary>
public interface ITokenStoreHealth
{
    /// <summary>Checks whether the store can read and write now. Never throws for a store outage: it reports it.</summary>
    /// <param name="cancellationToken">Cancels the check.</param>
    /// <returns>The store's state.</returns>
    ValueTask<TokenStoreHealth> CheckHealthAsync(CancellationToken cancellationToken = default);
}

/// <summary>What <see cref="ITokenStoreHealth.CheckHealthAsync"/> found.</summary>
public readonly record struct TokenStoreHealth
{
    private TokenStoreHealth(bool canWrite, string? problem)
    {
        CanWrite = canWrite;
        Problem = problem;
    }

    /// <summary>Gets a store that can read and write.</summary>
    public static TokenStoreHealth Healthy => new(true, null);

    /// <summary>Gets whether the store can write now. The zero value (<see langword="default"/>) is not healthy.</summary>
    public bool CanWrite { get; }

    /// <summary>
    /// Gets what stops the store from writing, for the log (it may name files or hosts; never a secret), or
    /// <see langword="null"/> when it can write.
    /// </summary>
    public string? Problem { get; }

    /// <summary>Creates the report of a store that cannot write.</summary>
    /// <param name="problem">What stops it, for the log.</param>
    /// <returns>The report.</returns>
    public static TokenStoreHealth CannotWrite(string problem)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(problem);
        return new(false, problem);
    }
}
