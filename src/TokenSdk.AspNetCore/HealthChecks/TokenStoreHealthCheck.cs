using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using TokenSdk.AspNetCore.Diagnostics;
using TokenSdk.Storage;

namespace TokenSdk.AspNetCore.HealthChecks;

/// <summary>
/// Reports whether the token store can serve: a store that can tell (<see cref="ITokenStoreHealth"/>, as the file
/// store does) is asked whether it can write now; any other store must answer a read of one record. The response
/// says only "cannot write" or the exception's type, never a path or a message, because health endpoints are often
/// public; the cause goes to the log, once when the outage starts and once when it ends.
/// </summary>
internal sealed class TokenStoreHealthCheck : IHealthCheck
{
    private static readonly TokenListQuery s_probe = new() { Limit = 1 };

    private readonly ITokenStore _store;
    private readonly StoreOutageLog _outage;
    private readonly ILogger _logger;

    public TokenStoreHealthCheck(ITokenStore store, StoreOutageLog outage, ILogger<TokenStoreHealthCheck>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(outage);
        _store = store;
        _outage = outage;
        _logger = logger ?? (ILogger)NullLogger.Instance;
    }

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        try
        {
            if (_store is ITokenStoreHealth health)
            {
                TokenStoreHealth state = await health.CheckHealthAsync(cancellationToken).ConfigureAwait(false);
                if (state.Status == TokenStoreHealthStatus.Degraded)
                {
                    // Verification still answers from the replica, within the store's stated bound.
                    _outage.Failed(_logger, null, state.Problem ?? "the store reports that it cannot write.");
                    return HealthCheckResult.Degraded(ReplicaText("The token store cannot write; verification answers from a replica", state.ReplicaAge));
                }

                if (!state.CanWrite)
                {
                    _outage.Failed(_logger, null, state.Problem ?? "the store reports that it cannot write.");
                    return new HealthCheckResult(context.Registration.FailureStatus, ReplicaText("The token store cannot write", state.ReplicaAge));
                }
            }
            else
            {
                await _store.ListAsync(s_probe, cancellationToken).ConfigureAwait(false);
            }

            _outage.Succeeded(_logger);
            return HealthCheckResult.Healthy("The token store answers.");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidOperationException)
        {
            // TokenStoreException is an IOException. The details (paths, offsets) go to the log, not the response.
            _outage.Failed(_logger, ex, ex.Message);
            return new HealthCheckResult(context.Registration.FailureStatus, $"The token store failed: {ex.GetType().Name}.");
        }
    }

    private static string ReplicaText(string what, TimeSpan? age) =>
        age is { } value
            ? string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{what} (last current {value.TotalSeconds:0.#} s ago).")
            : what + ".";
}
