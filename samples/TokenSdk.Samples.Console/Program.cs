// The walk-through of the original "Manage application tokens" page, on the embedded in-memory store:
// pick a role and see its permissions, generate a token (details shown once), download them as CSV,
// list tokens, verify, delete, verify again.
using Microsoft.Extensions.DependencyInjection;
using TokenSdk.Credentials;
using TokenSdk.Roles;
using TokenSdk.Storage;
using TokenSdk.Verification;

var services = new ServiceCollection();
services.AddTokenSdk().AddInMemoryStore();
await using ServiceProvider provider = services.BuildServiceProvider();

var roles = provider.GetRequiredService<IRoleCatalog>();
var generator = provider.GetRequiredService<ITokenGenerator>();
var store = provider.GetRequiredService<ITokenStore>();
var verifier = provider.GetRequiredService<ITokenVerifier>();

// 1. Select a role to see its permissions.
Role role = roles.FindRole("Read Only User") ?? throw new InvalidOperationException("Role not found.");
Console.WriteLine($"Role: {role.Name} ({role.Id})");
Console.WriteLine($"  {role.Description}");
Console.WriteLine($"  Permissions: {string.Join(", ", role.Permissions.Order(StringComparer.Ordinal))}");
Console.WriteLine();

// 2. Generate a token. Its details exist only now; the store keeps a one-way verifier.
IssuedToken issued = generator.Generate(new TokenGenerationRequest(role) { Description = "console sample" });
if (!await store.TryAddAsync(issued.Record))
{
    throw new InvalidOperationException("The client id is already taken.");
}

GeneratedToken details = issued.Details;
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
foreach (StoredToken token in await store.ListAsync(new TokenListQuery()))
{
    Console.WriteLine($"  {token.ClientId}  role={token.RoleId}  generated={token.CreatedAt:u}  description={token.Description}");
}

Console.WriteLine();

// 5. Verify the token, the client id + secret pair, and a wrong token.
Print("Verify the token", await verifier.VerifyAsync(details.Token));
Print("Verify client id + secret", await verifier.VerifyClientSecretAsync(details.ClientId, details.Secret));
string tampered = details.Token[..^1] + (details.Token[^1] == '0' ? '1' : '0');
Print("Verify a mistyped token", await verifier.VerifyAsync(tampered));

// 6. Delete the token (compromised, no longer needed, or needs another role): it fails at once.
bool deleted = await store.DeleteAsync(details.ClientId);
Console.WriteLine($"Deleted {details.ClientId}: {deleted}");
Print("Verify the deleted token", await verifier.VerifyAsync(details.Token));


// The token is gone, so its downloaded details are useless: remove them.
File.Delete(csvPath);
Console.WriteLine($"Removed {csvPath}");

static void Print(string what, TokenVerificationResult result)
{
    string detail = result.IsValid
        ? $"valid: client {result.ClientId}, role {result.Role!.Name}, may read tables: {result.HasPermission(Permissions.DbTableSelect)}"
        : $"rejected: {result.Status}";
    Console.WriteLine($"{what,-28} -> {detail}");
}
