using Microsoft.Extensions.Options;

namespace TokenSdk.AspNetCore.Authentication;

/// <summary>Validates <see cref="ApplicationTokenOptions"/> when the host starts.</summary>
internal sealed class ApplicationTokenOptionsValidator : IValidateOptions<ApplicationTokenOptions>
{
    private static readonly TimeSpan s_minFailureSummaryInterval = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan s_maxFailureSummaryInterval = TimeSpan.FromDays(1);

    public ValidateOptionsResult Validate(string? name, ApplicationTokenOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return Check(options) is { } error ? ValidateOptionsResult.Fail(error) : ValidateOptionsResult.Success;
    }

    internal static string? Check(ApplicationTokenOptions options)
    {
        if (!options.AcceptBearerHeader && !options.AcceptCassandraTokenHeader && !options.AcceptTokenHeader
            && !options.AcceptBasic && !options.AcceptQueryString)
        {
            return "ApplicationTokenOptions accepts no credential source: enable at least one of AcceptBearerHeader, AcceptCassandraTokenHeader, AcceptTokenHeader, AcceptBasic or AcceptQueryString.";
        }

        if (options.AcceptQueryString && string.IsNullOrWhiteSpace(options.QueryParameterName))
        {
            return "ApplicationTokenOptions.QueryParameterName must name a query string parameter when AcceptQueryString is set.";
        }

        TimeSpan interval = options.FailureSummaryInterval;
        if (interval != TimeSpan.Zero && (interval < s_minFailureSummaryInterval || interval > s_maxFailureSummaryInterval))
        {
            return $"ApplicationTokenOptions.FailureSummaryInterval must be 00:00:00 (no summary) or between {s_minFailureSummaryInterval} and {s_maxFailureSummaryInterval}; it is {interval}.";
        }

        return null;
    }
}
