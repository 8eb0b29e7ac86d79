using Microsoft.Extensions.Options;

namespace TokenSdk.AspNetCore.Throttling;

/// <summary>Validates <see cref="ApplicationTokenThrottlingOptions"/> when the host starts.</summary>
internal sealed class ApplicationTokenThrottlingOptionsValidator : IValidateOptions<ApplicationTokenThrottlingOptions>
{
    private static readonly TimeSpan s_minWindow = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan s_maxWindow = TimeSpan.FromDays(1);

    public ValidateOptionsResult Validate(string? name, ApplicationTokenThrottlingOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return Check(options) is { } error ? ValidateOptionsResult.Fail(error) : ValidateOptionsResult.Success;
    }

    internal static string? Check(ApplicationTokenThrottlingOptions options)
    {
        if (options.PermitLimit < 1)
        {
            return $"ApplicationTokenThrottlingOptions.PermitLimit must be at least 1 (failed authentications allowed per window); it is {options.PermitLimit}.";
        }

        if (options.Window < s_minWindow || options.Window > s_maxWindow)
        {
            return $"ApplicationTokenThrottlingOptions.Window must be between {s_minWindow} and {s_maxWindow}; it is {options.Window}.";
        }

        return null;
    }
}
