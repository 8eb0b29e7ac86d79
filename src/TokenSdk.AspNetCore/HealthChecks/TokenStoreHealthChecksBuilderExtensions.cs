using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using TokenSdk.AspNetCore.Diagnostics;
using TokenSdk.AspNetCore.HealthChecks;
using TokenSdk.Storage;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds the token store health check.</summary>
public static class TokenStoreHealthChecksBuilderExtensions
{
    /// <summary>The default name of the check, <c>tokensdk-store</c>.</summary>
    public const string DefaultName = "tokensdk-store";

    /// <summary>
    /// Adds a check that the registered <see cref="ITokenStore"/> answers (it lists one record). A failure reports
    /// <paramref name="failureStatus"/> and the exception type, never data.
    /// </summary>
    /// <param name="builder">The health checks builder.</param>
    /// <param name="name">The check's name.</param>
    /// <param name="failureStatus">The status on failure; <see langword="null"/> for <see cref="HealthStatus.Unhealthy"/>.</param>
    /// <param name="tags">Tags to filter checks by, for example <c>ready</c>.</param>
    /// <param name="timeout">How long the check may take; <see langword="null"/> for no limit.</param>
    /// <returns>The builder.</returns>
    public static IHealthChecksBuilder AddTokenStoreCheck(
        this IHealthChecksBuilder builder,
        string name = DefaultName,
        HealthStatus? failureStatus = null,
        IEnumerable<string>? tags = null,
        TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        // One outage log per registration: a check instance is created per run, the outage outlives it.
        var outage = new StoreOutageLog("health check");
        return builder.Add(new HealthCheckRegistration(
            name,
            sp => new TokenStoreHealthCheck(sp.GetRequiredService<ITokenStore>(), outage, sp.GetService<ILogger<TokenStoreHealthCheck>>()),
            failureStatus,
            tags,
            timeout));
    }
}
