namespace TokenSdk.Storage;

/// <summary>A filter and page for <see cref="ITokenStore.ListAsync"/> (keyset paging by client id).</summary>
public sealed class TokenListQuery
{
    /// <summary>The largest page size.</summary>
    public const int MaxLimit = 1000;

    private readonly int _limit = 100;

    /// <summary>Gets the organization to list; <see langword="null"/> lists every organization.</summary>
    public string? OrganizationId { get; init; }

    /// <summary>Gets the client id after which the page starts (the last one of the previous page); <see langword="null"/> for the first page.</summary>
    public string? AfterClientId { get; init; }

    /// <summary>Gets the page size, 1 to <see cref="MaxLimit"/>.</summary>
    /// <value>The default value is 100.</value>
    /// <exception cref="ArgumentOutOfRangeException">The value is outside 1 to <see cref="MaxLimit"/>.</exception>
    public int Limit
    {
        get => _limit;
        init
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            ArgumentOutOfRangeException.ThrowIfGreaterThan(value, MaxLimit);
            _limit = value;
        }
    }

    /// <summary>Returns whether <paramref name="token"/> passes the filter and lies after <see cref="AfterClientId"/>.</summary>
    /// <param name="token">A live record.</param>
    /// <returns><see langword="true"/> when the record belongs in a page of this query.</returns>
    public bool Matches(StoredToken token)
    {
        ArgumentNullException.ThrowIfNull(token);
        return (OrganizationId is null || string.Equals(token.OrganizationId, OrganizationId, StringComparison.Ordinal))
            && (AfterClientId is null || string.CompareOrdinal(token.ClientId, AfterClientId) > 0);
    }
}
