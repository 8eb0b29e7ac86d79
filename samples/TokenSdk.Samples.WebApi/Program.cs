// A minimal API protected by application tokens, with the Astra-style token management API, a health check and
// a durable store: the file store, or the PostgreSQL store that several nodes share. People sign in at /signin by
// pasting a token that may manage tokens, and manage tokens in the browser at /settings/tokens. On first start (empty store) it
// creates one Organization Administrator token and writes its details to an owner-only file, printing only that
// file's path (BootstrapAdministrator: crash-safe; with PostgreSQL, one node bootstraps, whatever starts at once).
//
//   TOKENSDK_STORE           the store directory (default: <local app data>/TokenSdk.Samples.WebApi/store)
//   TOKENSDK_POSTGRES        a PostgreSQL connection string: use the PostgreSQL store instead (SampleStore)
//   TOKENSDK_POSTGRES_SCHEMA its schema (default: tokensdk); TOKENSDK_POSTGRES_CREATE_SCHEMA=1 creates it at start
//   TokenSdk__*              the TokenSdk options (configuration section "TokenSdk"), e.g. TokenSdk__GenerationFormat=Astra
//   TOKENSDK_BOOTSTRAP_FILE  where the first token's details go (default: bootstrap-token.json in the store directory,
//                            or in <local app data>/TokenSdk.Samples.WebApi/bootstrap with PostgreSQL)
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Options;
using TokenSdk.AspNetCore.Authentication;
using TokenSdk.AspNetCore.Authorization;
using TokenSdk.Roles;
using TokenSdk.Samples.WebApi;
using TokenSdk.Storage;

SampleStore store;
try
{
    store = SampleStore.FromEnvironment(Environment.GetEnvironmentVariable);
}
catch (InvalidOperationException ex)
{
    await Console.Error.WriteLineAsync($"The sample cannot start: {ex.Message}");
    return 1;
}

string bootstrapFile = Environment.GetEnvironmentVariable("TOKENSDK_BOOTSTRAP_FILE") is { Length: > 0 } file
    ? Path.GetFullPath(file)
    : store.DefaultBootstrapFile;

WebApplicationBuilder builder = WebApplication.CreateBuilder(args);
// The TokenSdk options from configuration: appsettings.json's "TokenSdk" section or environment variables such as
// TokenSdk__GenerationFormat=Astra (tokens Astra clients accept) or TokenSdk__TokenPrefix=acme. Invalid values stop
// the server with one line naming the setting.
store.AddTo(builder.Services.AddTokenSdk(options => builder.Configuration.GetSection("TokenSdk").Bind(options)));
// Application tokens for the API; a cookie session for people using the token management page (SampleSignIn).
// Application tokens are the default scheme (the API's endpoints use it); only the page and the management API also
// take the cookie session.
builder.Services.AddAuthentication(ApplicationTokenDefaults.AuthenticationScheme)
    .AddApplicationTokens(options => options.AcceptBasic = true)
    .AddSampleSignIn();
builder.Services.AddTokenManagementPage();   // the page's antiforgery
builder.Services.AddAuthorizationBuilder()
    .AddPolicy("schema-admin", policy => policy.RequirePermission(Permissions.DbKeyspaceCreate));
builder.Services.AddProblemDetails();
// The sample's responses serialize from source-generated metadata (SampleJson.cs): the same JSON, and Native AOT ready.
builder.Services.ConfigureHttpJsonOptions(options => options.SerializerOptions.TypeInfoResolverChain.Insert(0, SampleJsonContext.Default));
builder.Services.AddHealthChecks().AddTokenStoreCheck();
// The management API's OpenAPI document at /openapi/v1.json (SampleOpenApi); docs/openapi/management-v1.json is its copy.
builder.Services.AddSampleOpenApi();

WebApplication app = builder.Build();
app.UseAuthentication();
app.UseAuthorization();
app.UseAntiforgery();

// Anonymous: what this service is.
app.MapGet("/", () => Results.Ok(new ServiceInfo("TokenSdk sample", "/v2/clientIdSecrets", "/settings/tokens", SampleSignIn.SignInPath, "/healthz", SampleOpenApi.DocumentPath)));

// Any token whose role grants db-cql (not the API-only roles).
app.MapGet("/data", (HttpContext context) => Results.Ok(new DataRows(["alpha", "beta"], context.User.Identity!.Name)))
    .RequirePermission(Permissions.DbCql);

// Reading tables of database "orders" in the caller's own organization (a role limited to other databases is refused).
app.MapGet("/orders", () => Results.Ok(new OrderList([1001, 1002])))
    .RequirePermission(Permissions.DbTableSelect, "drn:astra:org:*:db:orders");

// Schema changes: an authorization policy, for roles that may create keyspaces (not Read Only, not Read/Write).
app.MapPost("/admin/keyspaces/{name}", (string name) => Results.Created($"/admin/keyspaces/{name}", new KeyspaceCreated(name)))
    .RequireAuthorization("schema-admin");

// Endpoint metadata works on handlers (and on controllers) too.
app.MapGet("/billing", [RequirePermission(Permissions.OrgBillingRead)] () => Results.Ok(new BillingBalance(0)));

// The management API answers application tokens and the page's cookie session; a write with the cookie must carry
// the page's antiforgery token.
app.MapTokenManagement(configure: options => options.AuthenticationSchemes.Add(SampleSignIn.Scheme));
// The portal's Settings -> Tokens for people: sign in at /signin with a token that may manage tokens.
app.MapTokenManagementPage("/settings/tokens", options =>
{
    options.AuthenticationSchemes.Add(SampleSignIn.Scheme);
    options.SignOutPath = SampleSignIn.SignOutPath;
});
app.MapSampleSignIn(afterSignIn: "/settings/tokens");
app.MapHealthChecks("/healthz");
app.MapOpenApi();   // /openapi/{documentName}.json: SampleOpenApi.DocumentPath

// Open the store now rather than at the first request (DI creates it lazily), then make sure someone can manage
// tokens. A store that cannot be used, or a bootstrap that needs an operator, stops the server with one clear line.
try
{
    ITokenStore tokenStore = app.Services.GetRequiredService<ITokenStore>();
    BootstrapOutcome outcome;
    await using (await store.LockBootstrapAsync(tokenStore))
    {
        outcome = await BootstrapAdministrator.Create(app.Services, bootstrapFile).RunAsync();
    }

    if (outcome == BootstrapOutcome.Created)
    {
        Console.WriteLine($"The store was empty: an Organization Administrator token was created. Its details are in {bootstrapFile} (readable by you only).");
    }
    else if (outcome == BootstrapOutcome.Completed)
    {
        Console.WriteLine($"An interrupted bootstrap was completed: the Organization Administrator token's details are in {bootstrapFile} (readable by you only).");
    }
}
catch (Exception ex) when (ex is TokenStoreException or BootstrapException or OptionsValidationException)
{
    await Console.Error.WriteLineAsync($"The sample cannot start: {ex.Message}");
    await app.DisposeAsync();
    return 1;
}

await app.StartAsync();
// Where a person goes first: the addresses are known only now (a port of 0 is chosen at start).
foreach (string address in app.Urls)
{
    Console.WriteLine($"Manage tokens in a browser: {address.TrimEnd('/')}{SampleSignIn.SignInPath} (sign in with a token that may manage tokens), then /settings/tokens.");
}

await app.WaitForShutdownAsync();
return 0;
