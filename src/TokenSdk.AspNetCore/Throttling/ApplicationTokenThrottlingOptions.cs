namespace TokenSdk.AspNetCore.Throttling;

/// <summary>
/// Options of the throttling of failed application token authentications per client address, added by
/// <c>AddApplicationTokenThrottling</c>: an address may fail at most <see cref="PermitLimit"/> times per
/// <see cref="Window"/>; after that, its requests that present a credential are refused with <c>429 Too Many
/// Requests</c> and <c>Retry-After</c>, without being verified, until the window ends.
/// </summary>
/// <remarks>
/// Only failures count: successful authentications and requests without a credential never do. The address is
/// <c>HttpContext.Connection.RemoteIpAddress</c>; IPv6 addresses count by their /64 prefix (what one host usually
/// holds). Behind a reverse proxy, add the forwarded headers middleware first, or every client shares the proxy's
/// address. Validated when the host starts.
/// </remarks>
public sealed class ApplicationTokenThrottlingOptions
{
    /// <summary>Gets or sets how many failed authentications an address may have per <see cref="Window"/>.</summary>
    /// <value>The default value is 10. At least 1.</value>
    public int PermitLimit { get; set; } = 10;

    /// <summary>Gets or sets the fixed window over which failures are counted; its end lifts the throttle.</summary>
    /// <value>The default value is one minute. From one second to one day.</value>
    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(1);
}
