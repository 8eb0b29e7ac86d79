using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TokenSdk.PostgreSql;
using TokenSdk.Credentials;
using TokenSdk.Roles;
using TokenSdk.Storage;
using TokenSdk.Verification;

var services = new ServiceCollection();
services.AddTokenSdk().AddInMemoryStore();
services.AddAuthentication().AddApplicationTokens();
using ServiceProvider provider = services.BuildServiceProvider();
IssuedToken issued = provider.GetRequiredService<ITokenGenerator>().Generate(new TokenGenerationRequest(DefaultRoles.ReadOnlyUser));
await provider.GetRequiredService<ITokenStore>().TryAddAsync(issued.Record);
TokenVerificationResult result = await provider.GetRequiredService<ITokenVerifier>().VerifyAsync(issued.Details.Token);
AuthenticationScheme? scheme = await provider.GetRequiredService<IAuthenticationSchemeProvider>().GetSchemeAsync("ApplicationToken");
// The PostgreSQL package loads and validates its options (no server needed for that).
var postgres = new ServiceCollection();
postgres.AddTokenSdk().AddPostgreSqlStore(o => o.Schema = "tokensdk");
string validation;
try
{
    _ = postgres.BuildServiceProvider().GetRequiredService<IOptions<PostgreSqlTokenStoreOptions>>().Value;
    validation = "no error";
}
catch (OptionsValidationException ex)
{
    validation = ex.Message;
}

bool postgresOk = validation.Contains("ConnectionString is required", StringComparison.Ordinal);

// The page package serves its embedded script from a real host.
WebApplicationBuilder web = WebApplication.CreateSlimBuilder();
web.WebHost.UseUrls("http://127.0.0.1:0");
web.Logging.SetMinimumLevel(LogLevel.Warning);
web.Services.AddTokenSdk().AddInMemoryStore();
web.Services.AddAuthentication().AddApplicationTokens();
web.Services.AddAuthorization();
web.Services.AddTokenManagementPage();
await using WebApplication app = web.Build();
app.MapTokenManagementPage("/settings/tokens");
await app.StartAsync();
IssuedToken admin = app.Services.GetRequiredService<ITokenGenerator>().Generate(new TokenGenerationRequest(DefaultRoles.OrganizationAdministrator));
await app.Services.GetRequiredService<ITokenStore>().TryAddAsync(admin.Record);
using var http = new HttpClient();
http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", admin.Details.Token);
HttpResponseMessage script = await http.GetAsync(new Uri(new Uri(app.Urls.First()), "/settings/tokens/assets/app.js"));
string scriptText = await script.Content.ReadAsStringAsync();
bool pageOk = script.IsSuccessStatusCode && scriptText.Length > 1000 && script.Headers.Contains("Content-Security-Policy");
await app.StopAsync();

Console.WriteLine($"package smoke: {result.Status}; authentication scheme: {scheme?.HandlerType.Name ?? "missing"}; PostgreSQL options: {(postgresOk ? "validated" : validation)}; page script: {(pageOk ? $"{scriptText.Length} characters" : $"HTTP {(int)script.StatusCode}")}");
return result.IsValid && scheme is not null && postgresOk && pageOk ? 0 : 1;
