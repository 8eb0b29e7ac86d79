using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.DependencyInjection;
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
Console.WriteLine($"package smoke: {result.Status}; authentication scheme: {scheme?.HandlerType.Name ?? "missing"}");
return result.IsValid && scheme is not null ? 0 : 1;
