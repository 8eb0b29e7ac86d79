// A minimal API protected by application tokens, with the Astra-style token management API, a health check and
// the durable file store. On first start (empty store) it creates one Organization Administrator token and writes
// its details to an owner-only file, printing only that file's path.
//
//   TOKENSDK_STORE           the store directory (default: <local app data>/TokenSdk.Samples.WebApi/store)
//   TOKENSDK_BOOTSTRAP_FILE  where the first token's details go (default: bootstrap-token.json in the store directory)
using Microsoft.AspNetCore.Authorization;
using TokenSdk;
using TokenSdk.AspNetCore.Authorization;
using TokenSdk.Credentials;
using TokenSdk.Management;
using TokenSdk.Roles;
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

await BootstrapAsync(app.Services, bootstrapFile);
await app.RunAsync();

static string DataDirectory()
{
    string local = Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData);
    return string.IsNullOrEmpty(local) ? Path.Combine(AppContext.BaseDirectory, "data") : local;
}

// With an empty store nobody could call the management API: create the first administrator token.
static async Task BootstrapAsync(IServiceProvider services, string path)
{
    ITokenStore store = services.GetRequiredService<ITokenStore>();
    if ((await store.ListAsync(new TokenListQuery { Limit = 1 })).Count > 0)
    {
        return;
    }

    string organization = services.GetRequiredService<Microsoft.Extensions.Options.IOptions<TokenSdkOptions>>().Value.DefaultOrganizationId;
    var bootstrap = new TokenCaller("bootstrap", organization, [DefaultRoles.OrganizationAdministrator]);
    Directory.CreateDirectory(Path.GetDirectoryName(path)!);
    if (File.Exists(path))
    {
        throw new InvalidOperationException(
            $"The token store is empty but '{path}' already exists, from an earlier store. Remove it, or set TOKENSDK_BOOTSTRAP_FILE to another path.");
    }

    // Create the file first (never overwrite one), owner-only, so the secret is never in a file others can read.
    var fileOptions = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
    if (!OperatingSystem.IsWindows())
    {
        fileOptions.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    }

    await using var writer = new StreamWriter(path, System.Text.Encoding.UTF8, fileOptions);
    ManagementResult<GeneratedToken> result = await services.GetRequiredService<ITokenManager>().GenerateAsync(
        bootstrap, DefaultRoles.OrganizationAdministrator.Id, new TokenGenerateOptions { Description = "bootstrap administrator" });
    await writer.WriteAsync(result.GetValueOrThrow().ToJson(indented: true));
    Console.WriteLine($"The store was empty: an Organization Administrator token was created. Its details are in {path} (readable by you only).");
}
