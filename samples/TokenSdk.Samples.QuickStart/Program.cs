using Microsoft.Extensions.DependencyInjection;
using TokenSdk.Credentials;
using TokenSdk.Management;
using TokenSdk.Roles;
using TokenSdk.Verification;

var services = new ServiceCollection();
services.AddTokenSdk(options => options.TokenPrefix = "acme")   // options are validated at start
        .AddInMemoryStore();
using var provider = services.BuildServiceProvider();

// Select a role to see its permissions.
var roles = provider.GetRequiredService<IRoleCatalog>();
Role role = roles.FindRole("Database Administrator")!;
Console.WriteLine(string.Join(", ", role.Permissions));

// Generate, as an administrator: the details exist only now; the store keeps a one-way verifier.
var manager = provider.GetRequiredService<ITokenManager>();
var admin = new TokenCaller("alice", "default", [DefaultRoles.OrganizationAdministrator]);
GeneratedToken details = (await manager.GenerateAsync(admin, role.Id,
    new TokenGenerateOptions { Description = "orders service" })).GetValueOrThrow();
await details.SaveCsvAsync(GeneratedToken.CsvFileName);   // a new file only you can read; or SaveJsonAsync

// Verify a presented token (or VerifyClientSecretAsync(clientId, secret)).
var verifier = provider.GetRequiredService<ITokenVerifier>();
TokenVerificationResult result = await verifier.VerifyAsync(details.Token);
if (result.IsValid && result.HasPermission(Permissions.DbCql))
{
    Console.WriteLine($"{result.ClientId} may run CQL as {string.Join(", ", result.Roles.Select(r => r.Name))}");
}

// Delete (with a reason): the token fails verification at once.
(await manager.DeleteAsync(admin, details.ClientId, DeletionReason.NoLongerNeeded)).ThrowIfFailed();
Console.WriteLine((await verifier.VerifyAsync(details.Token)).Status);   // UnknownClient
