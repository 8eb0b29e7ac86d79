using Microsoft.Extensions.DependencyInjection;
using TokenSdk.Storage;
using TokenSdk.Verification;

namespace TokenSdk.Samples.WebApi.Tests.TestSupport;

/// <summary>
/// One life of the sample over a store directory: the services the sample registers (TokenSdk with the file store),
/// opened fresh as a process start would, and disposed as a process end would. A new run over the same directory is
/// a restart.
/// </summary>
internal sealed class SampleRun : IAsyncDisposable
{
    private readonly ServiceProvider _services;

    private SampleRun(ServiceProvider services) => _services = services;

    /// <summary>Gets the store.</summary>
    public ITokenStore Store => _services.GetRequiredService<ITokenStore>();

    /// <summary>Starts a run: opens the store in <paramref name="storeDirectory"/>.</summary>
    /// <param name="storeDirectory">The store directory.</param>
    public static SampleRun Start(string storeDirectory)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddTokenSdk().AddFileStore(storeDirectory);
        ServiceProvider provider = services.BuildServiceProvider();
        _ = provider.GetRequiredService<ITokenStore>();
        return new SampleRun(provider);
    }

    /// <summary>Creates the bootstrap as the sample does, with a hook after each step.</summary>
    /// <param name="path">The bootstrap file.</param>
    /// <param name="afterStep">The hook; <see langword="null"/> for none.</param>
    public BootstrapAdministrator Bootstrap(string path, Action<BootstrapStep>? afterStep = null)
    {
        BootstrapAdministrator bootstrap = BootstrapAdministrator.Create(_services, path);
        bootstrap.AfterStep = afterStep;
        return bootstrap;
    }

    /// <summary>Stores a new Read Only User token, as the management API would.</summary>
    public async Task AddTokenAsync()
    {
        TokenSdk.Credentials.IssuedToken issued = _services.GetRequiredService<TokenSdk.Credentials.ITokenGenerator>()
            .Generate(new TokenSdk.Credentials.TokenGenerationRequest(TokenSdk.Roles.DefaultRoles.ReadOnlyUser));
        Assert.True(await Store.TryAddAsync(issued.Record, TestContext.Current.CancellationToken));
    }

    /// <summary>Lists every live token.</summary>
    public Task<IReadOnlyList<StoredToken>> ListAsync() => Store.ListAsync(new TokenListQuery { Limit = 100 }, TestContext.Current.CancellationToken);

    /// <summary>Verifies a token against the store.</summary>
    /// <param name="token">The token.</param>
    public ValueTask<TokenVerificationResult> VerifyAsync(string token) =>
        _services.GetRequiredService<ITokenVerifier>().VerifyAsync(token, TestContext.Current.CancellationToken);

    /// <summary>Verifies a client id and secret against the store.</summary>
    /// <param name="clientId">The client id.</param>
    /// <param name="secret">The secret.</param>
    public ValueTask<TokenVerificationResult> VerifyClientSecretAsync(string clientId, string secret) =>
        _services.GetRequiredService<ITokenVerifier>().VerifyClientSecretAsync(clientId, secret, TestContext.Current.CancellationToken);

    /// <inheritdoc/>
    public ValueTask DisposeAsync() => _services.DisposeAsync();
}
