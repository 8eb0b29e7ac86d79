using Microsoft.Extensions.DependencyInjection;

namespace TokenSdk.DependencyInjection;

internal sealed class TokenSdkBuilder(IServiceCollection services) : ITokenSdkBuilder
{
    public IServiceCollection Services { get; } = services;
}
