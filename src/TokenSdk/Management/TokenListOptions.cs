using TokenSdk.Storage;

namespace TokenSdk.Management;

/// <summary>A page request for <see cref="ITokenManager.ListAsync"/>.</summary>
public sealed class TokenListOptions
{
    /// <summary>Gets the page size, 1 to <see cref="TokenListQuery.MaxLimit"/>.</summary>
    /// <value>The default value is 100.</value>
    public int Limit { get; init; } = 100;

    /// <summary>Gets the client id after which the page starts (<see cref="TokenPage.NextAfter"/> of the previous page).</summary>
    public string? After { get; init; }

    /// <summary>Gets a role id (case-insensitive) to list only tokens holding that role; <see langword="null"/> for every role.</summary>
    public string? RoleId { get; init; }

    /// <summary>
    /// Gets an instant to list only tokens not used since then: used last before it, or never used and generated
    /// before it (a token generated after it is not "unused" yet). <see langword="null"/> for every token.
    /// </summary>
    public DateTimeOffset? UnusedSince { get; init; }
}
