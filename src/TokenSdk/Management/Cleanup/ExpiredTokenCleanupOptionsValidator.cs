using Microsoft.Extensions.Options;

namespace TokenSdk.Management.Cleanup;

/// <summary>Validates <see cref="ExpiredTokenCleanupOptions"/> at start.</summary>
internal sealed class ExpiredTokenCleanupOptionsValidator : IValidateOptions<ExpiredTokenCleanupOptions>
{
    public ValidateOptionsResult Validate(string? name, ExpiredTokenCleanupOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        string[] errors = options.Validate().ToArray();
        return errors.Length == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
