using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using TokenSdk.AspNetCore.Diagnostics;
using TokenSdk.Storage;

namespace TokenSdk.AspNetCore.HealthChecks;

/// <summary>
/// Reports whether the token store answers: lists one record (of any organization). A store failure is reported
/// with the exception's type only, never its message or any data, because health endpoints are often public.
/// </summary>
internal sealed class TokenStoreHealthCheck : IHealthCheck
{
    private static readonly TokenListQuery s_probe = new() { Limit = 1 };

    private readonly ITokenStore _store;
    private readonly ILogger _logger;

    public TokenStoreHealthCheck(ITokenStore store, ILogger<TokenStoreHealthCheck>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        _store = store;
        _logger = logger ?? (ILogger)NullLogger.Instance;
    }

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        try
        {
            await _store.ListAsync(s_probe, cancellationToken).ConfigureAwait(false);
            return HealthCheckResult.Healthy("The token store answers.");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidOperationException)
        {
            // TokenStoreException is an IOException. The details (paths, offsets) go to the log, not the response.
            Log.StoreHealthCheckFailed(_logger, ex, ex.GetType().Name);
            return new HealthCheckResult(context.Registration.FailureStatus, $"The token store failed: {ex.GetType().Name}.");
        }
    }
}
