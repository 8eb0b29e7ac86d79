namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers what the token management page needs.</summary>
public static class TokenManagementPageServiceCollectionExtensions
{
    /// <summary>
    /// Registers the antiforgery services the token management page needs (<c>AddAntiforgery</c>; calling it again, or
    /// after the host's own <c>AddAntiforgery</c>, changes nothing). TokenSdk itself is registered by <c>AddTokenSdk</c>.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <returns>The same collection, for chaining.</returns>
    public static IServiceCollection AddTokenManagementPage(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddAntiforgery();
        return services;
    }
}
