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

/// <summary>How a token store can serve, from worst to best.</summary>
public enum TokenStoreHealthStatus
{
    /// <summary>The store cannot write, and verification cannot be trusted to reflect deletions (or the store failed closed).</summary>
    Unhealthy = 0,

    /// <summary>The store cannot write, but verification still answers from a replica within its stated bound.</summary>
    Degraded = 1,

    /// <summary>The store can read and write.</summary>
    Healthy = 2,
}

/// <summary>What <see cref="ITokenStoreHealth.CheckHealthAsync"/> found.</summary>
public readonly record struct TokenStoreHealth
{
    private TokenStoreHealth(TokenStoreHealthStatus status, string? problem, TimeSpan? replicaAge)
    {
        Status = status;
        Problem = problem;
        ReplicaAge = replicaAge;
    }

    /// <summary>Gets a store that can read and write.</summary>
    public static TokenStoreHealth Healthy => new(TokenStoreHealthStatus.Healthy, null, null);

    /// <summary>Gets the store's state. The zero value (<see langword="default"/>) is <see cref="TokenStoreHealthStatus.Unhealthy"/>.</summary>
    public TokenStoreHealthStatus Status { get; }

    /// <summary>Gets whether the store can write now.</summary>
    public bool CanWrite => Status == TokenStoreHealthStatus.Healthy;

    /// <summary>
    /// Gets what stops the store from writing, for the log (it may name files or hosts; never a secret), or
    /// <see langword="null"/> when it can write.
    /// </summary>
    public string? Problem { get; }

    /// <summary>
    /// Gets, for a store that verifies from a replica of a remote source, how long ago the replica was last known to be
    /// current; <see langword="null"/> when it does not apply.
    /// </summary>
    public TimeSpan? ReplicaAge { get; }

    /// <summary>Creates the report of a store that cannot write.</summary>
    /// <param name="problem">What stops it, for the log.</param>
    /// <returns>The report.</returns>
    public static TokenStoreHealth CannotWrite(string problem)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(problem);
        return new(TokenStoreHealthStatus.Unhealthy, problem, null);
    }

    /// <summary>Creates the report of a store that cannot write but still verifies from a replica of the given age.</summary>
    /// <param name="problem">What stops it from writing, for the log.</param>
    /// <param name="replicaAge">How long ago the replica was last known to be current.</param>
    /// <returns>The report.</returns>
    public static TokenStoreHealth Degraded(string problem, TimeSpan replicaAge)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(problem);
        return new(TokenStoreHealthStatus.Degraded, problem, replicaAge);
    }

    /// <summary>Creates the report of a store that failed closed: its replica is too old to trust.</summary>
    /// <param name="problem">Why, for the log.</param>
    /// <param name="replicaAge">How long ago the replica was last known to be current.</param>
    /// <returns>The report.</returns>
    public static TokenStoreHealth FailedClosed(string problem, TimeSpan replicaAge)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(problem);
        return new(TokenStoreHealthStatus.Unhealthy, problem, replicaAge);
    }
}
