using System.Diagnostics.Metrics;
using System.Runtime.CompilerServices;

namespace TokenSdk.AspNetCore.Diagnostics;

/// <summary>
/// The meter named <c>TokenSdk.AspNetCore</c> and its instrument, created through the service provider's
/// <see cref="IMeterFactory"/> as ASP.NET Core's own meters are (one per factory); a handler built without one records
/// on a meter shared by such handlers.
/// </summary>
/// <remarks>
/// ASP.NET Core's <c>aspnetcore.authentication.authenticate.duration</c> already counts authentications per scheme and
/// result (success, failure, none), and the core's <c>tokensdk.verification.duration</c> why verification failed. This
/// counter adds what neither knows: where the credential came from, and the failures decided before verification
/// (throttled, malformed Basic credentials).
/// </remarks>
internal sealed class AspNetCoreMetrics
{
    public const string MeterName = "TokenSdk.AspNetCore";
    public const string AuthenticationsName = "tokensdk.aspnetcore.authentications";
    public const string SourceTag = "tokensdk.authentication.source";
    public const string ErrorTypeTag = "error.type";

    /// <summary>The <c>error.type</c> of a credential the host refused after it verified.</summary>
    public const string RejectedErrorType = "rejected";

    private static readonly string? s_version = typeof(AspNetCoreMetrics).Assembly.GetName().Version?.ToString();
    private static readonly ConditionalWeakTable<IMeterFactory, AspNetCoreMetrics> s_byFactory = [];
    private static readonly Lazy<AspNetCoreMetrics> s_shared = new(() => new AspNetCoreMetrics(null));

    // Precomputed so recording a failure allocates nothing: one error.type tag per failure reason.
    private static readonly KeyValuePair<string, object?>[] s_errorTypeTags = AuthenticationFailureReasons.ErrorTypes
        .Select(e => new KeyValuePair<string, object?>(ErrorTypeTag, e)).ToArray();

    private readonly Counter<long> _authentications;

    private AspNetCoreMetrics(IMeterFactory? meterFactory)
    {
        var options = new MeterOptions(MeterName) { Version = s_version };
        Meter = meterFactory?.Create(options) ?? new Meter(options);
        _authentications = Meter.CreateCounter<long>(
            AuthenticationsName,
            "{authentication}",
            "Application token authentications with a credential presented, by source; failures carry error.type.");
    }

    /// <summary>Gets the meter.</summary>
    public Meter Meter { get; }

    /// <summary>Gets the instruments of <paramref name="meterFactory"/>'s meter, created on first use; a shared meter's without one.</summary>
    public static AspNetCoreMetrics For(IMeterFactory? meterFactory) =>
        meterFactory is null ? s_shared.Value : s_byFactory.GetValue(meterFactory, static factory => new AspNetCoreMetrics(factory));

    /// <summary>Counts a successful authentication of a credential from <paramref name="source"/> (a constant string).</summary>
    public void RecordSuccess(string source)
    {
        if (_authentications.Enabled)
        {
            _authentications.Add(1, new KeyValuePair<string, object?>(SourceTag, source));
        }
    }

    /// <summary>
    /// Counts a credential that verified but that the host refused in <c>ApplicationTokenEvents.OnTokenValidated</c>
    /// (<c>error.type</c> <c>rejected</c>).
    /// </summary>
    public void RecordRejected(string source)
    {
        if (_authentications.Enabled)
        {
            _authentications.Add(1, new KeyValuePair<string, object?>(SourceTag, source), new KeyValuePair<string, object?>(ErrorTypeTag, RejectedErrorType));
        }
    }

    /// <summary>Counts a failure for an <see cref="AuthenticationFailureReasons"/> index.</summary>
    public void RecordFailure(int reason, string source)
    {
        if (_authentications.Enabled)
        {
            KeyValuePair<string, object?> errorType = (uint)reason < (uint)s_errorTypeTags.Length
                ? s_errorTypeTags[reason]
                : s_errorTypeTags[AuthenticationFailureReasons.Unknown];
            _authentications.Add(1, new KeyValuePair<string, object?>(SourceTag, source), errorType);
        }
    }
}
