using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using TokenSdk.Management;
using TokenSdk.Roles;
using TokenSdk.Verification;

namespace TokenSdk.Cli.Stores;

/// <summary>
/// TokenSdk opened for one command: the role catalog, and with a store the managers and the verifier, acting as
/// <see cref="Caller"/>, an organization administrator (whoever can write the store already has that power).
/// </summary>
internal sealed class CliSession : IAsyncDisposable
{
    private readonly ServiceProvider _provider;
    private readonly ITokenManager? _manager;
    private readonly IRoleManager? _roleManager;
    private readonly ITokenVerifier? _verifier;

    private CliSession(ServiceProvider provider, string? organization, bool hasStore)
    {
        _provider = provider;
        Options = provider.GetRequiredService<IOptions<TokenSdkOptions>>().Value;
        Roles = provider.GetRequiredService<IRoleCatalog>();
        Caller = new TokenCaller(
            "tokensdk-cli:" + (string.IsNullOrWhiteSpace(Environment.UserName) ? "unknown" : Environment.UserName),
            string.IsNullOrWhiteSpace(organization) ? Options.DefaultOrganizationId : organization,
            [DefaultRoles.OrganizationAdministrator]);
        if (hasStore)
        {
            // Resolving opens the store: a damaged log, a held lock or an unreachable database surfaces here, as a
            // TokenStoreException.
            _manager = provider.GetRequiredService<ITokenManager>();
            _roleManager = provider.GetRequiredService<IRoleManager>();
            _verifier = provider.GetRequiredService<ITokenVerifier>();
        }
    }

    /// <summary>Gets the options TokenSdk runs with (the defaults, or those of <c>--config</c>).</summary>
    public TokenSdkOptions Options { get; }

    /// <summary>
    /// Gets the role catalog: the default roles, the configured ones and, with a store, the custom roles kept in it
    /// (of every organization: ask it with <see cref="TokenCaller.OrganizationId"/> of <see cref="Caller"/>).
    /// </summary>
    public IRoleCatalog Roles { get; }

    /// <summary>Gets the manager; throws when the session has no store.</summary>
    public ITokenManager Manager => _manager ?? throw new InvalidOperationException("This session has no store.");

    /// <summary>Gets the role manager, which changes the custom roles kept in the store; throws when the session has no store.</summary>
    public IRoleManager RoleManager => _roleManager ?? throw new InvalidOperationException("This session has no store.");

    /// <summary>Gets the verifier; throws when the session has no store.</summary>
    public ITokenVerifier Verifier => _verifier ?? throw new InvalidOperationException("This session has no store.");

    /// <summary>
    /// Gets the caller the tool acts as: an organization administrator of the <c>--org</c> organization or the
    /// configured default, named after the operating-system user so the audit trail says who ran it.
    /// </summary>
    public TokenCaller Caller { get; }

    /// <summary>Opens TokenSdk without a store (<c>roles list</c> and <c>roles show</c> when no store is given).</summary>
    /// <param name="context">The invocation: its configuration file and organization.</param>
    public static CliSession WithoutStore(CliContext context)
    {
        var services = new ServiceCollection();
        services.AddSingleton(context.Environment.Time);
        services.AddTokenSdk(context.LoadOptions());
        return new CliSession(services.BuildServiceProvider(), context.Organization, hasStore: false);
    }

    /// <summary>Opens the selected store.</summary>
    /// <param name="context">The invocation: its configuration file, organization and working directory.</param>
    /// <param name="store">The store.</param>
    /// <param name="create">Whether an empty store may be created.</param>
    public static CliSession Open(CliContext context, StoreSelection store, bool create)
    {
        // Usage errors (a bad configuration file) before store errors.
        Action<TokenSdkOptions> configure = context.LoadOptions();
        store.Kind.Check(store.Location, context.Environment, create);
        var services = new ServiceCollection();
        services.AddSingleton(context.Environment.Time);
        ITokenSdkBuilder builder = services.AddTokenSdk(configure);
        store.Kind.Register(builder, store.Location, context.Environment);
        ServiceProvider provider = services.BuildServiceProvider();
        try
        {
            return new CliSession(provider, context.Organization, hasStore: true);
        }
        catch
        {
            provider.Dispose();
            throw;
        }
    }

    /// <inheritdoc/>
    public ValueTask DisposeAsync() => _provider.DisposeAsync();
}
