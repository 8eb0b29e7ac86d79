using System.Text;
using TokenSdk.Cli.Commands;
using TokenSdk.Cli.Tests.TestSupport;
using static TokenSdk.Cli.Tests.RoleEditingTests;

namespace TokenSdk.Cli.Tests;

/// <summary><c>--policy FILE.json</c>: the Astra role shape, read strictly; a bad file is a usage error, never a crash.</summary>
public sealed class RolePolicyFileTests
{
    [Theory]
    [InlineData("""{ "name": "R", "policy": { "actions": [ "db-cql" ] }, "color": "red" }""", "has an unknown field 'color'; the known fields are name, policy, policy.description")]
    [InlineData("""{ "name": "R", "id": "x", "policy": { "actions": [ "db-cql" ], "effekt": "allow", "Resource": [] } }""", "has unknown fields 'id', 'policy.effekt', 'policy.Resource';")]
    [InlineData("""{ "name": "R", "NAME": "S", "policy": { "actions": [ "db-cql" ] } }""", "gives the field 'NAME' more than once.")]
    [InlineData("""{ "name": 7, "policy": { "actions": [ "db-cql" ] } }""", ": 'name' must be a string, not a number.")]
    [InlineData("""{ "name": "R", "policy": [ "db-cql" ] }""", ": 'policy' must be an object holding description, actions, resources and effect, not an array.")]
    [InlineData("""{ "name": "R", "policy": { "actions": "db-cql" } }""", ": 'policy.actions' must be an array of strings, not a string.")]
    [InlineData("""{ "name": "R", "policy": { "actions": [ "db-cql", 3 ] } }""", ": 'policy.actions[1]' must be a string, not a number.")]
    [InlineData("""{ "name": "R", "policy": { "actions": [ "db-cql" ], "effect": "deny" } }""", ": 'policy.effect' must be \"allow\": a role grants permissions; it cannot deny them.")]
    [InlineData("""[ { "name": "R" } ]""", "must hold a JSON object such as")]
    [InlineData("""{ "name": "R", "policy": { "actions": [ "db-cql" ] } } {}""", "is not valid JSON (line 1, byte")]
    [InlineData("""{ "name": "R", "policy": { "actions": [ "db-cql", ] } }""", "is not valid JSON (line 1, byte")]
    [InlineData("", "is not valid JSON (line 1, byte 1 of the line).")]
    [InlineData("""{ "name": "R", "policy": { "actions": [ "db-tabel-select" ] } }""", "Unknown permission 'db-tabel-select' ('policy.actions' of the --policy file)")]
    [InlineData("""{ "name": "R", "policy": { "actions": [ "db-cql" ], "resources": [ "orders" ] } }""", "The resource 'orders' ('policy.resources' of the --policy file) is not a DRN")]
    public async Task Create_BadPolicyFile_ExitsTwoWithOneLineNamingTheFieldAndTheFile(string content, string message)
    {
        using TempStore store = TempStore.ForRoles();
        string file = await WriteAsync(store, "policy.json", content);

        CliResult result = await store.RunAsync("roles", "create", "--policy", file);

        AssertOneLineError(result, 2, message);
        if (!message.StartsWith("Unknown", StringComparison.Ordinal) && !message.StartsWith("The resource", StringComparison.Ordinal))
        {
            // The path is masked where it holds a GUID (the temporary folder's name), as anything secret-like is.
            Assert.Contains("The policy file '/", result.StandardError, StringComparison.Ordinal);
            Assert.Contains("/policy.json'", result.StandardError, StringComparison.Ordinal);
        }

        Assert.DoesNotContain("   at ", result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_MissingPolicyFile_ExitsTwo()
    {
        using TempStore store = TempStore.ForRoles();

        CliResult result = await store.RunAsync("roles", "create", "--policy", "nope.json");

        AssertOneLineError(result, 2, "/nope.json' does not exist.");
    }

    [Fact]
    public async Task Create_PolicyFileIsADirectory_ExitsTwo()
    {
        using TempStore store = TempStore.ForRoles();

        CliResult result = await store.RunAsync("roles", "create", "--policy", store.Root);

        AssertOneLineError(result, 2, "is a directory; --policy names a JSON file.");
    }

    [Fact]
    public async Task Create_PolicyFileTooBig_ExitsTwoWithoutReadingItWhole()
    {
        using TempStore store = TempStore.ForRoles();
        string file = Path.Combine(store.Root, "big.json");
        await using (FileStream stream = File.Create(file))
        {
            stream.SetLength(RolePolicyFile.MaxBytes + 1);
        }

        CliResult result = await store.RunAsync("roles", "create", "--policy", file);

        AssertOneLineError(result, 2, "is larger than 256 KiB; a role policy is a small JSON object.");
    }

    [Fact]
    public void Parse_NeverQuotesTheContent_EvenAFieldNameThatLooksLikeASecret()
    {
        string secretLike = "AstraCS:" + new string('a', 24) + ":" + new string('0', 64);
        byte[] json = Encoding.UTF8.GetBytes($$"""{ "{{secretLike}}": 1 }""");

        CliException ex = Assert.Throws<CliException>(() => RolePolicyFile.Parse(json, "/p.json"));

        Assert.DoesNotContain("AstraCS", ex.Message, StringComparison.Ordinal);
        Assert.Contains("(a name of 97 characters)", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_ByteOrderMarkNullDescriptionAndCase_AreAccepted()
    {
        byte[] json = [0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes("""{ "Name": "R", "Policy": { "Description": null, "Actions": [], "Effect": "ALLOW" } }""")];

        RolePolicy policy = RolePolicyFile.Parse(json, "/p.json");

        Assert.Equal(new RolePolicy("R", string.Empty, null, null), policy with { Actions = null });
        Assert.Empty(policy.Actions!);
    }
}
