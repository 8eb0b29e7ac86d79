using TokenSdk.Verification;

namespace TokenSdk.AspNetCore.Diagnostics;

/// <summary>
/// Why an application token authentication failed, as a small index (for the summary's counters) and a lowercase
/// name (the <c>tokensdk.authentication.result</c> tag and the summary's text): each verification status by its
/// name, and <c>throttled</c> for a request refused before verification.
/// </summary>
internal static class AuthenticationFailureReasons
{
    private static readonly VerificationStatus[] s_statuses = Enum.GetValues<VerificationStatus>();

    /// <summary>The index of <c>throttled</c>: after the statuses.</summary>
    public static readonly int Throttled = s_statuses.Length;

    /// <summary>The index of <c>unknown</c>: a status this build does not know.</summary>
    public static readonly int Unknown = s_statuses.Length + 1;

    /// <summary>Every reason's name, by index; precomputed so recording a failure allocates nothing.</summary>
    public static readonly string[] Names = [.. s_statuses.Select(s => s.ToString().ToLowerInvariant()), "throttled", "unknown"];

    /// <summary>The index of <paramref name="status"/>.</summary>
    public static int Of(VerificationStatus status) => Array.IndexOf(s_statuses, status) is int index and >= 0 ? index : Unknown;
}
