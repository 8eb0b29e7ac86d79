using System.Buffers.Binary;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace TokenSdk.AspNetCore.Throttling;

/// <summary>
/// Throttles failed authentications per client address with a <see cref="PartitionedRateLimiter{TResource}"/> of
/// fixed windows, one partition per address: a failure takes one permit; a request that presents a credential first
/// looks (taking no permit) whether its address has any left, and is refused before verification when it has none.
/// </summary>
/// <remarks>
/// Partitions are made on first sight and dropped by the limiter once idle (all permits back) for a few seconds, so
/// memory follows the addresses that failed recently. The windows run on the limiter's own clock.
/// </remarks>
internal sealed class FailedAuthenticationThrottle : IDisposable
{
    private readonly PartitionedRateLimiter<UInt128> _limiter;

    public FailedAuthenticationThrottle(IOptions<ApplicationTokenThrottlingOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        ApplicationTokenThrottlingOptions value = options.Value;
        var windowOptions = new FixedWindowRateLimiterOptions
        {
            PermitLimit = value.PermitLimit,
            Window = value.Window,
            QueueLimit = 0,

            // The partitioned limiter replenishes its partitions from one timer of its own.
            AutoReplenishment = false,
        };

        // Made once, so finding a partition allocates nothing.
        Func<UInt128, RateLimiter> create = _ => new FixedWindowRateLimiter(windowOptions);
        _limiter = PartitionedRateLimiter.Create<UInt128, UInt128>(key => RateLimitPartition.Get(key, create));
    }

    /// <summary>Whether <paramref name="address"/> has no failure left in its window, and if so how long until it has.</summary>
    public bool IsThrottled(IPAddress? address, out TimeSpan retryAfter)
    {
        retryAfter = default;
        if (!TryGetPartitionKey(address, out UInt128 key))
        {
            return false;
        }

        // Zero permits: reports whether any are left without taking one.
        using RateLimitLease lease = _limiter.AttemptAcquire(key, permitCount: 0);
        if (lease.IsAcquired)
        {
            return false;
        }

        retryAfter = lease.TryGetMetadata(MetadataName.RetryAfter, out TimeSpan after) ? after : TimeSpan.Zero;
        return true;
    }

    /// <summary>Takes one permit from <paramref name="address"/>'s window for a failed authentication.</summary>
    public void RecordFailure(IPAddress? address)
    {
        if (TryGetPartitionKey(address, out UInt128 key))
        {
            // Fixed-window permits come back when the window ends, not when the lease is disposed.
            using RateLimitLease lease = _limiter.AttemptAcquire(key, permitCount: 1);
        }
    }

    public void Dispose() => _limiter.Dispose();

    /// <summary>The <c>Retry-After</c> value for <paramref name="retryAfter"/>: whole seconds, rounded up, at least 1.</summary>
    public static string FormatRetryAfter(TimeSpan retryAfter) =>
        Math.Max(1, (long)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);

    /// <summary>
    /// The partition of <paramref name="address"/>: an IPv4 address (or an IPv4-mapped IPv6 address) as itself in
    /// the IPv4-mapped IPv6 form, any other IPv6 address by its /64 prefix. No address (a test server, a Unix
    /// socket): no partition, never throttled, so such clients cannot lock each other out.
    /// </summary>
    internal static bool TryGetPartitionKey(IPAddress? address, out UInt128 key)
    {
        key = default;
        if (address is null)
        {
            return false;
        }

        Span<byte> bytes = stackalloc byte[16];
        if (address.AddressFamily == AddressFamily.InterNetwork && address.TryWriteBytes(bytes[12..], out _))
        {
            bytes[10] = 0xFF;
            bytes[11] = 0xFF;
            key = BinaryPrimitives.ReadUInt128BigEndian(bytes);
            return true;
        }

        if (address.AddressFamily == AddressFamily.InterNetworkV6 && address.TryWriteBytes(bytes, out _))
        {
            key = BinaryPrimitives.ReadUInt128BigEndian(bytes);
            if (!address.IsIPv4MappedToIPv6)
            {
                key &= ~(UInt128)ulong.MaxValue;
            }

            return true;
        }

        return false;
    }
}
