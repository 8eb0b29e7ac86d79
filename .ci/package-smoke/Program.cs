using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.DependencyInjection;
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
Console.WriteLine($"package smoke: {result.Status}; authentication scheme: {scheme?.HandlerType.Name ?? "missing"}; PostgreSQL options: {(postgresOk ? "validated" : validation)}");
return result.IsValid && scheme is not null && postgresOk ? 0 : 1;
