using Microsoft.Extensions.Options;
using TokenSdk.Credentials;
using TokenSdk.Hashing;
using TokenSdk.Roles;

namespace TokenSdk.DependencyInjection;

/// <summary>Validates <see cref="TokenSdkOptions"/> at start, with messages that say what to fix.</summary>
internal sealed class TokenSdkOptionsValidator : IValidateOptions<TokenSdkOptions>
{
    public ValidateOptionsResult Validate(string? name, TokenSdkOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        List<string> errors = Collect(options);
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    public static void ThrowIfInvalid(TokenSdkOptions options)
    {
        List<string> errors = Collect(options);
        if (errors.Count > 0)
        {
            throw new OptionsValidationException(Options.DefaultName, typeof(TokenSdkOptions), errors);
        }
    }

    public static List<string> Collect(TokenSdkOptions options)
    {
        List<string> errors = [];

        if (!Identifiers.IsValid(options.DefaultOrganizationId))
        {
            errors.Add($"TokenSdk:DefaultOrganizationId '{options.DefaultOrganizationId}' is invalid: use {Identifiers.Rule}.");
        }

        if (!Enum.IsDefined(options.GenerationFormat))
        {
            errors.Add($"TokenSdk:GenerationFormat '{options.GenerationFormat}' is unknown: use '{TokenFormatKind.Checksummed}' or '{TokenFormatKind.Astra}'.");
        }

        ValidatePrefix("TokenSdk:TokenPrefix", options.TokenPrefix, errors);
        for (int i = 0; i < options.AdditionalTokenPrefixes.Count; i++)
        {
            ValidatePrefix($"TokenSdk:AdditionalTokenPrefixes:{i}", options.AdditionalTokenPrefixes[i], errors);
        }

        ValidateManagement(options.Management, errors);
        ValidateHashing(options.Hashing, errors);
        if (options.Usage.Resolution < TimeSpan.FromSeconds(1) || options.Usage.Resolution > TimeSpan.FromDays(1))
        {
            errors.Add($"TokenSdk:Usage:Resolution must lie between 1 second and 1 day (it is {options.Usage.Resolution}).");
        }
        ValidateRoles(options, errors);
        return errors;
    }

    private static void ValidatePrefix(string key, string? prefix, List<string> errors)
    {
        if (!ChecksummedTokenFormat.IsValidPrefix(prefix))
        {
            errors.Add($"{key} '{prefix}' is invalid: use 2 to 16 lowercase ASCII letters or digits, starting with a letter (for example 'tsdk' or 'acme').");
        }
    }

    private static void ValidateManagement(Management.TokenManagementOptions management, List<string> errors)
    {
        if (management.MaximumLifetime is { } lifetime && lifetime <= TimeSpan.Zero)
        {
            errors.Add($"TokenSdk:Management:MaximumLifetime must be positive (it is {lifetime}); leave it unset for tokens that never expire.");
        }

        foreach ((string organizationId, TimeSpan organizationLifetime) in management.MaximumLifetimeByOrganization)
        {
            if (!Identifiers.IsValid(organizationId))
            {
                errors.Add($"TokenSdk:Management:MaximumLifetimeByOrganization names an invalid organization id '{organizationId}': use {Identifiers.Rule}.");
            }

            if (organizationLifetime <= TimeSpan.Zero)
            {
                errors.Add($"TokenSdk:Management:MaximumLifetimeByOrganization:{organizationId} must be positive (it is {organizationLifetime}).");
            }
        }

        if (management.MaximumGracePeriod < TimeSpan.Zero)
        {
            errors.Add($"TokenSdk:Management:MaximumGracePeriod must not be negative (it is {management.MaximumGracePeriod}).");
        }
    }

    private static void ValidateHashing(HashingOptions hashing, List<string> errors)
    {
        if (!Enum.IsDefined(hashing.Algorithm))
        {
            errors.Add($"TokenSdk:Hashing:Algorithm '{hashing.Algorithm}' is unknown: use '{VerifierAlgorithm.Sha256}' or '{VerifierAlgorithm.HmacSha256}'.");
        }

        var keyIds = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < hashing.Peppers.Count; i++)
        {
            PepperOptions pepper = hashing.Peppers[i];
            if (pepper is null)
            {
                errors.Add($"TokenSdk:Hashing:Peppers:{i} is empty.");
                continue;
            }

            if (!PepperOptions.IsValidKeyId(pepper.KeyId))
            {
                errors.Add($"TokenSdk:Hashing:Peppers:{i}:KeyId '{pepper.KeyId}' is invalid: use 1 to 32 ASCII letters, digits, '-', '_' or '.'.");
            }
            else if (!keyIds.Add(pepper.KeyId!))
            {
                errors.Add($"TokenSdk:Hashing:Peppers: key id '{pepper.KeyId}' appears twice; key ids must be unique.");
            }

            byte[]? key = pepper.TryDecodeKey();
            if (key is null)
            {
                errors.Add($"TokenSdk:Hashing:Peppers:{i}:Key (key id '{pepper.KeyId}') is missing or not base64.");
            }
            else if (key.Length < PepperOptions.MinimumKeyLength)
            {
                errors.Add($"TokenSdk:Hashing:Peppers:{i}:Key (key id '{pepper.KeyId}') is {key.Length} bytes; a pepper needs at least {PepperOptions.MinimumKeyLength} random bytes (for example 'openssl rand -base64 32').");
            }
        }

        if (hashing.Algorithm == VerifierAlgorithm.HmacSha256)
        {
            if (hashing.CurrentKeyId is null)
            {
                errors.Add("TokenSdk:Hashing:CurrentKeyId is required when the algorithm is HmacSha256: name the pepper that new verifiers use.");
            }
            else if (!keyIds.Contains(hashing.CurrentKeyId))
            {
                errors.Add($"TokenSdk:Hashing:CurrentKeyId '{hashing.CurrentKeyId}' names no configured pepper; add it to TokenSdk:Hashing:Peppers.");
            }
        }
    }

    private static void ValidateRoles(TokenSdkOptions options, List<string> errors)
    {
        List<Role> roles = [];
        for (int i = 0; i < options.CustomRoles.Count; i++)
        {
            CustomRoleOptions? custom = options.CustomRoles[i];
            if (custom is null)
            {
                errors.Add($"TokenSdk:CustomRoles:{i} is empty.");
                continue;
            }

            try
            {
                roles.Add(custom.ToRole());
            }
            catch (ArgumentException ex)
            {
                errors.Add($"TokenSdk:CustomRoles:{i}: {ArgumentMessages.WithoutParameterName(ex)}");
            }
        }

        errors.AddRange(RoleCatalog.Validate(roles, options.CustomPermissions));
    }
}
