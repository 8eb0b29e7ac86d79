// A minimal API protected by application tokens, with the Astra-style token management API, a health check and
// the durable file store. On first start (empty store) it creates one Organization Administrator token and writes
// its details to an owner-only file, printing only that file's path (BootstrapAdministrator: crash-safe).
//
//   TOKENSDK_STORE           the store directory (default: <local app data>/TokenSdk.Samples.WebApi/store)
//   TOKENSDK_BOOTSTRAP_FILE  where the first token's details go (default: bootstrap-token.json in the store directory)
using Microsoft.AspNetCore.Authorization;
using TokenSdk.AspNetCore.Authorization;
using TokenSdk.Roles;
using TokenSdk.Samples.WebApi;
using TokenSdk.Storage;

string storeDirectory = Environment.GetEnvironmentVariable("TOKENSDK_STORE") is { Length: > 0 } store
    ? Path.GetFullPath(store)
    : Path.Combine(DataDirectory(), "TokenSdk.Samples.WebApi", "store");
string bootstrapFile = Environment.GetEnvironmentVariable("TOKENSDK_BOOTSTRAP_FILE") is { Length: > 0 } file
    ? Path.GetFullPath(file)
    : Path.Combine(storeDirectory, "bootstrap-token.json");

WebApplicationBuilder builder = WebApplication.CreateBuilder(args);
builder.Services.AddTokenSdk().AddFileStore(storeDirectory);
builder.Services.AddAuthentication().AddApplicationTokens(options => options.AcceptBasic = true);
builder.Services.AddAuthorizationBuilder()
    .AddPolicy("schema-admin", policy => policy.RequirePermission(Permissions.DbKeyspaceCreate));
builder.Services.AddProblemDetails();
builder.Services.AddHealthChecks().AddTokenStoreCheck();

WebApplication app = builder.Build();
app.UseAuthentication();
app.UseAuthorization();

// Anonymous: what this service is.
app.MapGet("/", () => Results.Ok(new { service = "TokenSdk sample", management = "/v2/clientIdSecrets", health = "/healthz" }));

// Any token whose role grants db-cql (not the API-only roles).
app.MapGet("/data", (HttpContext context) => Results.Ok(new { rows = new[] { "alpha", "beta" }, caller = context.User.Identity!.Name }))
    .RequirePermission(Permissions.DbCql);

// Reading tables of database "orders" in the caller's own organization (a role limited to other databases is refused).
app.MapGet("/orders", () => Results.Ok(new { orders = new[] { 1001, 1002 } }))
    .RequirePermission(Permissions.DbTableSelect, "drn:astra:org:*:db:orders");

// Schema changes: an authorization policy, for roles that may create keyspaces (not Read Only, not Read/Write).
app.MapPost("/admin/keyspaces/{name}", (string name) => Results.Created($"/admin/keyspaces/{name}", new { keyspace = name }))
    .RequireAuthorization("schema-admin");

// Endpoint metadata works on handlers (and on controllers) too.
app.MapGet("/billing", [RequirePermission(Permissions.OrgBillingRead)] () => Results.Ok(new { balance = 0 }));

app.MapTokenManagement();
app.MapHealthChecks("/healthz");

// Open the store now rather than at the first request (DI creates it lazily), then make sure someone can manage
// tokens. A store that cannot be used, or a bootstrap that needs an operator, stops the server with one clear line.
try
{
    _ = app.Services.GetRequiredService<ITokenStore>();
    BootstrapOutcome outcome = await BootstrapAdministrator.Create(app.Services, bootstrapFile).RunAsync();
    if (outcome == BootstrapOutcome.Created)
    {
        Console.WriteLine($"The store was empty: an Organization Administrator token was created. Its details are in {bootstrapFile} (readable by you only).");
    }
    else if (outcome == BootstrapOutcome.Completed)
    {
        Console.WriteLine($"An interrupted bootstrap was completed: the Organization Administrator token's details are in {bootstrapFile} (readable by you only).");
    }
}
catch (Exception ex) when (ex is TokenStoreException or BootstrapException)
{
    await Console.Error.WriteLineAsync($"The sample cannot start: {ex.Message}");
    await app.DisposeAsync();
    return 1;
}

await app.RunAsync();
return 0;

static string DataDirectory()
{
    string local = Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData);
    return string.IsNullOrEmpty(local) ? Path.Combine(AppContext.BaseDirectory, "data") : local;
}
