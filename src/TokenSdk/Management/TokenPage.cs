namespace TokenSdk.Management;

/// <summary>One page of tokens, ordered by client id.</summary>
public sealed class TokenPage
{
    internal TokenPage(IReadOnlyList<TokenInfo> tokens, string? nextAfter)
    {
        Tokens = tokens;
        NextAfter = nextAfter;
    }

    /// <summary>Gets the tokens of this page.</summary>
    public IReadOnlyList<TokenInfo> Tokens { get; }

    /// <summary>Gets the value of <see cref="TokenListOptions.After"/> for the next page; <see langword="null"/> on the last page.</summary>
    public string? NextAfter { get; }
}
