using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using TokenSdk.AspNetCore.Throttling;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds throttling of failed application token authentications per client address.</summary>
public static class ApplicationTokenThrottlingAuthenticationBuilderExtensions
{
    /// <summary>
    /// Throttles failed authentications of every application token scheme per client address, with ASP.NET Core's
    /// rate limiter (<see cref="System.Threading.RateLimiting.PartitionedRateLimiter{TResource}"/>, fixed windows):
    /// after <see cref="ApplicationTokenThrottlingOptions.PermitLimit"/> failures from an address within
    /// <see cref="ApplicationTokenThrottlingOptions.Window"/>, that address's requests presenting a credential are not
    /// verified, and their challenge is <c>429 Too Many Requests</c> with <c>Retry-After</c>. Successful
    /// authentications and requests without a credential never count.
    /// </summary>
    /// <param name="builder">The authentication builder.</param>
    /// <param name="configure">Sets the limit and window; <see langword="null"/> for the defaults (10 failures a minute).</param>
    /// <returns>The builder.</returns>
    public static AuthenticationBuilder AddApplicationTokenThrottling(this AuthenticationBuilder builder, Action<ApplicationTokenThrottlingOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);

        OptionsBuilder<ApplicationTokenThrottlingOptions> options = builder.Services.AddOptions<ApplicationTokenThrottlingOptions>().ValidateOnStart();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ApplicationTokenThrottlingOptions>, ApplicationTokenThrottlingOptionsValidator>());
        builder.Services.TryAddSingleton<FailedAuthenticationThrottle>();
        return builder;
    }
}
