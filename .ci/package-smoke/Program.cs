using Microsoft.Extensions.DependencyInjection;
using TokenSdk.Credentials;
using TokenSdk.Roles;
using TokenSdk.Storage;
using TokenSdk.Verification;

var services = new ServiceCollection();
services.AddTokenSdk().AddInMemoryStore();
using ServiceProvider provider = services.BuildServiceProvider();
IssuedToken issued = provider.GetRequiredService<ITokenGenerator>().Generate(new TokenGenerationRequest(DefaultRoles.ReadOnlyUser));
await provider.GetRequiredService<ITokenStore>().TryAddAsync(issued.Record);
TokenVerificationResult result = await provider.GetRequiredService<ITokenVerifier>().VerifyAsync(issued.Details.Token);
Console.WriteLine($"package smoke: {result.Status}");
return result.IsValid ? 0 : 1;
