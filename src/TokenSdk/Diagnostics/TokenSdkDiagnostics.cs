using System.Diagnostics;
using System.Diagnostics.Metrics;
using TokenSdk.Verification;

namespace TokenSdk.Diagnostics;

/// <summary>The <see cref="Meter"/> and <see cref="ActivitySource"/> named <c>TokenSdk</c>, and their instruments.</summary>
internal static class TokenSdkDiagnostics
{
    public const string Name = "TokenSdk";
    public const string StatusTag = "tokensdk.verification.status";
    public const string OrganizationTag = "tokensdk.organization";

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

    // An UpDownCounter, not a Gauge: the value is a count of things that exist now, additive across organizations (their
    // sum is the process's live tokens), as the OpenTelemetry conventions count connections or threads
    // (db.client.connection.count, process.thread.count). Kept up to date by the token tables on every add and delete,
    // so a collection reads a few counters and never enumerates tokens.
    public static readonly ObservableUpDownCounter<long> LiveTokens = Meter.CreateObservableUpDownCounter(
        "tokensdk.tokens.live",
        LiveTokenTables.Observe,
        "{token}",
        "Tokens held by the stores of this process (expired ones included until deleted), by organization.");

    // Verification takes about a microsecond from memory, milliseconds from a store that is asked over the network.
    public static readonly Histogram<double> VerificationDuration = Meter.CreateHistogram(
        "tokensdk.verification.duration",
        "s",
        "Time to verify a credential, by status.",
        tags: null,
        advice: new InstrumentAdvice<double>
        {
            HistogramBucketBoundaries = [5e-7, 1e-6, 2e-6, 5e-6, 1e-5, 2e-5, 5e-5, 1e-4, 2.5e-4, 5e-4, 1e-3, 2.5e-3, 5e-3, 1e-2, 0.1],
        });

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

    /// <summary>Records a verification's duration from <paramref name="started"/> (a <paramref name="time"/> timestamp).</summary>
    public static void RecordVerificationDuration(VerificationStatus status, TimeProvider time, long started) =>
        VerificationDuration.Record(time.GetElapsedTime(started).TotalSeconds, new KeyValuePair<string, object?>(StatusTag, StatusName(status)));

    public static string StatusName(VerificationStatus status) =>
        (uint)status < (uint)s_statusNames.Length ? s_statusNames[(int)status] : "unknown";
}
