namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Configures TokenSdk services; returned by <see cref="TokenSdkServiceCollectionExtensions.AddTokenSdk(IServiceCollection, System.Action{TokenSdk.TokenSdkOptions}?)"/>.</summary>
public interface ITokenSdkBuilder
{
    /// <summary>Gets the service collection TokenSdk is registered in.</summary>
    IServiceCollection Services { get; }
}
