using TokenSdk.Verification;

namespace TokenSdk.AspNetCore.Diagnostics;

/// <summary>
/// Why an application token authentication failed, as a small index (for the summary's counters), a lowercase name
/// (the summary's text) and an OpenTelemetry <c>error.type</c> (the metric's tag): each verification status by its
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

    /// <summary>
    /// Every reason's <c>error.type</c>, by index: the names in snake case (<c>unknown_client</c>, <c>role_not_found</c>),
    /// as the core's <c>tokensdk.verification.duration</c> spells them; <c>_OTHER</c> (the OpenTelemetry convention's
    /// value for an error it does not know) for <c>unknown</c> and the statuses that are no failure.
    /// </summary>
    public static readonly string[] ErrorTypes =
        [.. s_statuses.Select(s => s is VerificationStatus.None or VerificationStatus.Valid ? "_OTHER" : SnakeCase(s.ToString())), "throttled", "_OTHER"];

    /// <summary>The index of <paramref name="status"/>.</summary>
    public static int Of(VerificationStatus status) => Array.IndexOf(s_statuses, status) is int index and >= 0 ? index : Unknown;

    private static string SnakeCase(string name)
    {
        var builder = new System.Text.StringBuilder(name.Length + 4);
        for (int i = 0; i < name.Length; i++)
        {
            if (char.IsUpper(name[i]) && i > 0)
            {
                builder.Append('_');
            }

            builder.Append(char.ToLowerInvariant(name[i]));
        }

        return builder.ToString();
    }
}
