namespace TokenSdk.AspNetCore.Authentication;

/// <summary>
/// Set on a request's features when the <see cref="ApplicationTokenHandler"/> authenticated it with an application
/// token. Only this assembly can set it, so it tells the management API that the caller presented a credential a
/// browser does not attach by itself (cross-site request forgery cannot ride on it), whatever other schemes ran.
/// </summary>
internal sealed class ApplicationTokenAuthenticatedFeature
{
    public static readonly ApplicationTokenAuthenticatedFeature Instance = new();

    private ApplicationTokenAuthenticatedFeature()
    {
    }
}
