// The walk-through of the original "Manage application tokens" page, on the embedded in-memory store:
// pick a role and see its permissions, generate a token (details shown once), download them as CSV,
// list tokens, verify, delete, verify again.
using Microsoft.Extensions.DependencyInjection;
using TokenSdk;
using TokenSdk.Credentials;
using TokenSdk.Management;
using TokenSdk.Roles;
using TokenSdk.Verification;

var services = new ServiceCollection();
services.AddTokenSdk().AddInMemoryStore();
await using ServiceProvider provider = services.BuildServiceProvider();

var roles = provider.GetRequiredService<IRoleCatalog>();
var manager = provider.GetRequiredService<ITokenManager>();
var verifier = provider.GetRequiredService<ITokenVerifier>();

// Whoever manages tokens needs Organization Administrator or Database Administrator.
var admin = new TokenCaller("alice@example.com", TokenSdkOptions.DefaultOrganization, [DefaultRoles.OrganizationAdministrator]);

// 1. Select a role to see its permissions.
Role role = roles.FindRole("Read Only User") ?? throw new InvalidOperationException("Role not found.");
Console.WriteLine($"Role: {role.Name} ({role.Id})");
Console.WriteLine($"  {role.Description}");
Console.WriteLine($"  Permissions: {string.Join(", ", role.Permissions.Order(StringComparer.Ordinal))}");
Console.WriteLine();

// 2. Generate a token. Its details exist only now; the store keeps a one-way verifier.
GeneratedToken details = (await manager.GenerateAsync(admin, role.Id, new TokenGenerateOptions { Description = "console sample" }))
    .GetValueOrThrow();
Console.WriteLine("Token details (shown once, store them securely):");
Console.WriteLine($"  Client Id:     {details.ClientId}");
Console.WriteLine($"  Client Secret: {details.Secret}");
Console.WriteLine($"  Token:         {details.Token}");
Console.WriteLine($"  In logs it appears only masked: {details}");

// 3. Download the details, as the portal's GeneratedToken.csv (owner-only where the OS supports it).
string csvPath = Path.Combine(Path.GetTempPath(), $"tokensdk-sample-{details.ClientId}-{GeneratedToken.CsvFileName}");
var fileOptions = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
if (!OperatingSystem.IsWindows())
{
    fileOptions.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
}

await using (var csv = new StreamWriter(csvPath, System.Text.Encoding.UTF8, fileOptions))
{
    await csv.WriteAsync(details.ToCsv());
}

Console.WriteLine($"  Details written to {csvPath}");
Console.WriteLine();

// 4. Manage existing tokens: the list never holds a secret.
Console.WriteLine("Existing tokens:");
foreach (TokenInfo token in (await manager.ListAsync(admin)).GetValueOrThrow().Tokens)
{
    Console.WriteLine($"  {token.ClientId}  role={token.RoleName}  generated={token.GeneratedOn:u}  description={token.Description}");
}

Console.WriteLine();

// 5. Verify the token, the client id + secret pair, and a mistyped token.
Print("Verify the token", await verifier.VerifyAsync(details.Token));
Print("Verify client id + secret", await verifier.VerifyClientSecretAsync(details.ClientId, details.Secret));
string tampered = details.Token[..^1] + (details.Token[^1] == '0' ? '1' : '0');
Print("Verify a mistyped token", await verifier.VerifyAsync(tampered));

// 6. A Read Only token cannot manage tokens, and nobody can mint a role above their own.
var readOnly = TokenCaller.FromVerification(await verifier.VerifyAsync(details.Token));
ManagementResult denied = await manager.GenerateAsync(readOnly, DefaultRoles.OrganizationAdministrator.Id);
Console.WriteLine($"The Read Only token tries to generate a token -> {denied.Status}: {denied.Message}");

// 7. Delete the token (compromised, no longer needed, or needs another role): it fails at once.
ManagementResult deleted = await manager.DeleteAsync(admin, details.ClientId, DeletionReason.NoLongerNeeded);
Console.WriteLine($"Delete {details.ClientId} -> {deleted}");
Print("Verify the deleted token", await verifier.VerifyAsync(details.Token));

// The token is gone, so its downloaded details are useless: remove them.
File.Delete(csvPath);
Console.WriteLine($"Removed {csvPath}");

static void Print(string what, TokenVerificationResult result)
{
    string detail = result.IsValid
        ? $"valid: client {result.ClientId}, roles {string.Join(", ", result.Roles.Select(r => r.Name))}, may read tables: {result.HasPermission(Permissions.DbTableSelect)}"
        : $"rejected: {result.Status}";
    Console.WriteLine($"{what,-28} -> {detail}");
}
