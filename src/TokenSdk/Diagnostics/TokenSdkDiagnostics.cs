using System.Diagnostics;
using System.Diagnostics.Metrics;
using TokenSdk.Verification;

namespace TokenSdk.Diagnostics;

/// <summary>The <see cref="Meter"/> and <see cref="ActivitySource"/> named <c>TokenSdk</c>, and their instruments.</summary>
internal static class TokenSdkDiagnostics
{
    public const string Name = "TokenSdk";
    public const string StatusTag = "tokensdk.verification.status";

    private static readonly string? s_version = typeof(TokenSdkDiagnostics).Assembly.GetName().Version?.ToString();

    // Tag values precomputed so recording a measurement allocates nothing.
    private static readonly string[] s_statusNames = Enum.GetValues<VerificationStatus>()
        .Select(s => s.ToString().ToLowerInvariant()).ToArray();

    public static readonly Meter Meter = new(Name, s_version);

    public static readonly ActivitySource ActivitySource = new(Name, s_version);

    public static readonly Counter<long> Verifications = Meter.CreateCounter<long>(
        "tokensdk.verifications", "{verification}", "Credentials verified, by status.");

    public static readonly Counter<long> TokensGenerated = Meter.CreateCounter<long>(
        "tokensdk.tokens.generated", "{token}", "Tokens generated.");

    public static readonly Counter<long> TokensDeleted = Meter.CreateCounter<long>(
        "tokensdk.tokens.deleted", "{token}", "Tokens deleted, by reason.");

    public static void RecordDeletion(Management.DeletionReason reason)
    {
        if (TokensDeleted.Enabled)
        {
            TokensDeleted.Add(1, new KeyValuePair<string, object?>("tokensdk.deletion.reason", reason.ToString().ToLowerInvariant()));
        }
    }

    public static void RecordVerification(VerificationStatus status)
    {
        if (Verifications.Enabled)
        {
            Verifications.Add(1, new KeyValuePair<string, object?>(StatusTag, StatusName(status)));
        }
    }

    public static string StatusName(VerificationStatus status) =>
        (uint)status < (uint)s_statusNames.Length ? s_statusNames[(int)status] : "unknown";
}
