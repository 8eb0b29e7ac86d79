using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace TokenSdk.DependencyInjection;

/// <summary>
/// Marks, in the service collection, a configuration section that <see cref="TokenSdkOptions"/> is bound from, so
/// that registering the same section again binds it once: binding appends to the options' lists
/// (<see cref="TokenSdkOptions.CustomRoles"/>, ...), and a second binding would repeat every entry.
/// </summary>
internal sealed class TokenSdkConfigurationSource
{
    private readonly string? _path;
    private readonly IConfiguration? _configuration;

    /// <param name="path">A section path of the application's configuration, or <see langword="null"/>.</param>
    /// <param name="configuration">A configuration given as such, or <see langword="null"/>.</param>
    public TokenSdkConfigurationSource(string? path, IConfiguration? configuration)
    {
        _configuration = configuration;
        _path = path ?? (configuration as IConfigurationSection)?.Path;
    }

    /// <summary>Adds <paramref name="source"/> unless the same section is marked already.</summary>
    /// <returns><see langword="true"/> when it was added: the caller binds it.</returns>
    public static bool TryAdd(IServiceCollection services, TokenSdkConfigurationSource source)
    {
        foreach (ServiceDescriptor descriptor in services)
        {
            if (descriptor.ServiceType == typeof(TokenSdkConfigurationSource) && !descriptor.IsKeyedService
                && descriptor.ImplementationInstance is TokenSdkConfigurationSource existing && existing.IsSameSection(source))
            {
                return false;
            }
        }

        services.AddSingleton(source);
        return true;
    }

    // A section is known by its path (ConfigurationSection instances are made afresh by each GetSection); a
    // configuration root, which has no path, by its instance. Keys are case-insensitive, so are paths.
    private bool IsSameSection(TokenSdkConfigurationSource other) =>
        (_configuration is not null && ReferenceEquals(_configuration, other._configuration))
        || (_path is not null && other._path is not null && string.Equals(_path, other._path, StringComparison.OrdinalIgnoreCase));
}
