using System.Diagnostics.Metrics;

namespace TokenSdk.AspNetCore.Diagnostics;

/// <summary>
/// The <see cref="Meter"/> named <c>TokenSdk.AspNetCore</c> and its instruments. The core's meter (<c>TokenSdk</c>)
/// already counts verifications by status; this one counts authentication attempts by where the credential came
/// from and how it ended.
/// </summary>
internal static class AspNetCoreDiagnostics
{
    public const string MeterName = "TokenSdk.AspNetCore";
    public const string ResultTag = "tokensdk.authentication.result";
    public const string SourceTag = "tokensdk.authentication.source";

    private static readonly string? s_version = typeof(AspNetCoreDiagnostics).Assembly.GetName().Version?.ToString();

    public static readonly Meter Meter = new(MeterName, s_version);

    public static readonly Counter<long> Authentications = Meter.CreateCounter<long>(
        "tokensdk.aspnetcore.authentications", "{authentication}", "Application token authentications with a credential presented, by result and source.");

    public static void RecordAuthentication(string result, string source)
    {
        if (Authentications.Enabled)
        {
            Authentications.Add(1, new KeyValuePair<string, object?>(ResultTag, result), new KeyValuePair<string, object?>(SourceTag, source));
        }
    }
}
