using Microsoft.Extensions.Options;
using TokenSdk.Storage;

namespace TokenSdk.DependencyInjection;

/// <summary>Validates <see cref="FileTokenStoreOptions"/> at start.</summary>
internal sealed class FileTokenStoreOptionsValidator : IValidateOptions<FileTokenStoreOptions>
{
    public ValidateOptionsResult Validate(string? name, FileTokenStoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        string[] errors = options.Validate().ToArray();
        return errors.Length == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
