using System.Diagnostics;

namespace TokenSdk.Diagnostics;

/// <summary>
/// The <see cref="ActivitySource"/> named <c>TokenSdk</c>. The meter of the same name is created through the host's
/// <see cref="System.Diagnostics.Metrics.IMeterFactory"/>: see <see cref="TokenSdkMetrics"/>.
/// </summary>
internal static class TokenSdkDiagnostics
{
    public const string Name = "TokenSdk";

    private static readonly string? s_version = typeof(TokenSdkDiagnostics).Assembly.GetName().Version?.ToString();

    public static readonly ActivitySource ActivitySource = new(Name, s_version);
}
