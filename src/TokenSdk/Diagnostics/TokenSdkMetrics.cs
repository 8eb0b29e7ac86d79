using System.Diagnostics.Metrics;
using System.Runtime.CompilerServices;
using TokenSdk.Management;
using TokenSdk.Verification;

namespace TokenSdk.Diagnostics;

/// <summary>
/// The instruments of the meter named <c>TokenSdk</c>. As ASP.NET Core's own meters, the meter comes from the
/// <see cref="IMeterFactory"/> of the service provider (one set of instruments per factory, so two service providers
/// have independent meters); a component built without one (<c>new TokenVerifier(...)</c>) records on a shared meter
/// created on first use.
/// </summary>
/// <remarks>
/// Tag values are precomputed and tags passed as <see cref="KeyValuePair{TKey, TValue}"/> arguments, so recording a
/// measurement allocates nothing, with or without a listener.
/// </remarks>
internal sealed class TokenSdkMetrics
{
    public const string MeterName = TokenSdkDiagnostics.Name;

    /// <summary>The OpenTelemetry tag of a failure's class; absent on success.</summary>
    public const string ErrorTypeTag = "error.type";

    /// <summary>The OpenTelemetry convention's value of <c>error.type</c> for an error this build does not know.</summary>
    public const string OtherErrorType = "_OTHER";

    public const string DeletionReasonTag = "tokensdk.deletion.reason";
    public const string OrganizationTag = "tokensdk.organization";

    public const string VerificationDurationName = "tokensdk.verification.duration";
    public const string TokensGeneratedName = "tokensdk.tokens.generated";
    public const string TokensDeletedName = "tokensdk.tokens.deleted";
    public const string LiveTokensName = "tokensdk.tokens.live";

    /// <summary>
    /// The advised bucket boundaries of <c>tokensdk.verification.duration</c>, in seconds: verification from memory
    /// takes about a microsecond, from a store asked over the network milliseconds.
    /// </summary>
    public static readonly IReadOnlyList<double> VerificationDurationBuckets =
        [5e-7, 1e-6, 2e-6, 5e-6, 1e-5, 2e-5, 5e-5, 1e-4, 2.5e-4, 5e-4, 1e-3, 2.5e-3, 5e-3, 1e-2, 0.1];

    private static readonly string? s_version = typeof(TokenSdkMetrics).Assembly.GetName().Version?.ToString();

    private static readonly KeyValuePair<string, object?>[] s_errorTypeTags = Enum.GetValues<VerificationStatus>()
        .Select(s => new KeyValuePair<string, object?>(ErrorTypeTag, ErrorType(s))).ToArray();

    private static readonly KeyValuePair<string, object?> s_otherErrorTypeTag = new(ErrorTypeTag, OtherErrorType);

    private static readonly KeyValuePair<string, object?>[] s_deletionReasonTags = Enum.GetValues<DeletionReason>()
        .Select(r => new KeyValuePair<string, object?>(DeletionReasonTag, SnakeCase(r.ToString()))).ToArray();

    private static readonly KeyValuePair<string, object?> s_otherDeletionReasonTag = new(DeletionReasonTag, "other");

    private static readonly ConditionalWeakTable<IMeterFactory, TokenSdkMetrics> s_byFactory = [];

    private static readonly Lazy<TokenSdkMetrics> s_shared = new(() => new TokenSdkMetrics(null));

    private readonly Counter<long> _tokensGenerated;
    private readonly Counter<long> _tokensDeleted;

    private TokenSdkMetrics(IMeterFactory? meterFactory)
    {
        var options = new MeterOptions(MeterName) { Version = s_version };
        Meter = meterFactory?.Create(options) ?? new Meter(options);

        VerificationDuration = Meter.CreateHistogram(
            VerificationDurationName,
            "s",
            "Time to verify a credential (a token, or a client id and secret); failures carry error.type.",
            tags: null,
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = VerificationDurationBuckets });

        _tokensGenerated = Meter.CreateCounter<long>(TokensGeneratedName, "{token}", "Tokens generated.");

        _tokensDeleted = Meter.CreateCounter<long>(TokensDeletedName, "{token}", "Tokens deleted through the token manager, by reason.");

        // An UpDownCounter, not a Gauge: the value is a count of things that exist now, additive across organizations
        // (their sum is the process's live tokens), as the OpenTelemetry conventions count connections or threads
        // (db.client.connection.count, process.thread.count). Kept up to date by the token tables on every add and
        // delete, so a collection reads a few counters and never enumerates tokens. The tables are the process's: every
        // TokenSdk meter of the process reports all of them.
        LiveTokens = Meter.CreateObservableUpDownCounter(
            LiveTokensName,
            LiveTokenTables.Observe,
            "{token}",
            "Tokens held by the stores of this process (expired ones included until deleted), by organization.");
    }

    /// <summary>Gets the instruments of the meter that components built without an <see cref="IMeterFactory"/> share.</summary>
    public static TokenSdkMetrics Shared => s_shared.Value;

    /// <summary>Gets the meter.</summary>
    public Meter Meter { get; }

    /// <summary>Gets <c>tokensdk.verification.duration</c>.</summary>
    public Histogram<double> VerificationDuration { get; }

    /// <summary>Gets <c>tokensdk.tokens.live</c>.</summary>
    public ObservableUpDownCounter<long> LiveTokens { get; }

    /// <summary>Gets the instruments of <paramref name="meterFactory"/>'s meter, created on first use; <see cref="Shared"/> without one.</summary>
    public static TokenSdkMetrics For(IMeterFactory? meterFactory) =>
        meterFactory is null ? Shared : s_byFactory.GetValue(meterFactory, static factory => new TokenSdkMetrics(factory));

    /// <summary>Records a verification's duration from <paramref name="started"/> (a <paramref name="time"/> timestamp).</summary>
    public void RecordVerificationDuration(VerificationStatus status, TimeProvider time, long started)
    {
        double seconds = time.GetElapsedTime(started).TotalSeconds;
        if (status == VerificationStatus.Valid)
        {
            VerificationDuration.Record(seconds);
        }
        else
        {
            VerificationDuration.Record(seconds, ErrorTypeTagOf(status));
        }
    }

    public void RecordGeneration() => _tokensGenerated.Add(1);

    public void RecordDeletion(DeletionReason reason)
    {
        if (_tokensDeleted.Enabled)
        {
            _tokensDeleted.Add(1, (uint)reason < (uint)s_deletionReasonTags.Length ? s_deletionReasonTags[(int)reason] : s_otherDeletionReasonTag);
        }
    }

    /// <summary>
    /// The <c>error.type</c> of a failed verification: the status in snake case (<c>unknown_client</c>); <see langword="null"/>
    /// for <see cref="VerificationStatus.Valid"/>, which has none.
    /// </summary>
    public static string? ErrorType(VerificationStatus status) => status switch
    {
        VerificationStatus.Valid => null,
        VerificationStatus.Malformed or VerificationStatus.UnknownClient or VerificationStatus.Mismatch
            or VerificationStatus.Expired or VerificationStatus.RoleNotFound => SnakeCase(status.ToString()),
        _ => OtherErrorType,
    };

    /// <summary>An enum member's name in snake case, as OpenTelemetry spells tag values: <c>RoleNotFound</c> → <c>role_not_found</c>.</summary>
    public static string SnakeCase(string name)
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

    private static KeyValuePair<string, object?> ErrorTypeTagOf(VerificationStatus status) =>
        (uint)status < (uint)s_errorTypeTags.Length && s_errorTypeTags[(int)status].Value is not null ? s_errorTypeTags[(int)status] : s_otherErrorTypeTag;
}
