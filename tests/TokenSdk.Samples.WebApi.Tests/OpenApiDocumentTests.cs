using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using TokenSdk.Samples.WebApi.Tests.TestSupport;

namespace TokenSdk.Samples.WebApi.Tests;

/// <summary>
/// The management API's OpenAPI document, as the real sample serves it at /openapi/v1.json, against the copy checked in
/// at docs/openapi/management-v1.json: a change of the HTTP contract (a route, a field, a status code) fails here until
/// the copy is regenerated on purpose (<c>TOKENSDK_UPDATE_OPENAPI=1</c>).
/// </summary>
[Trait("Category", "Slow")]
public sealed class OpenApiDocumentTests : IAsyncLifetime
{
    private const string UpdateVariable = "TOKENSDK_UPDATE_OPENAPI";

    private static readonly string[] s_managementOperations =
    [
        "post /v2/clientIdSecrets", "get /v2/clientIdSecrets", "delete /v2/clientIdSecrets/{clientId}",
        "post /v2/clientIdSecrets/{clientId}/rotate", "post /v2/tokens", "get /v2/organizations/roles",
        "post /v2/organizations/roles", "get /v2/organizations/roles/{roleId}", "put /v2/organizations/roles/{roleId}",
        "delete /v2/organizations/roles/{roleId}", "get /v2/currentOrg", "get /v2/roles",
    ];

    private readonly TempDirectory _temp = new();
    private SampleServer? _server;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string CheckedInPath => Path.Combine(BuiltProgram.RepositoryRoot, "docs", "openapi", "management-v1.json");

    public async ValueTask InitializeAsync() =>
        _server = await SampleServer.StartAsync(_temp.Combine("store"), _temp.Combine("bootstrap", "bootstrap-token.json"));

    [Fact]
    public async Task Document_IsTheCheckedInCopy()
    {
        // Arrange
        string generated = Normalize(await FetchAsync());

        // Act
        if (Environment.GetEnvironmentVariable(UpdateVariable) == "1")
        {
            Directory.CreateDirectory(Path.GetDirectoryName(CheckedInPath)!);
            await File.WriteAllTextAsync(CheckedInPath, generated, new UTF8Encoding(false), Ct);
        }

        // Assert
        string checkedIn = File.Exists(CheckedInPath) ? Normalize(await File.ReadAllTextAsync(CheckedInPath, Ct)) : "(missing)";
        if (checkedIn != generated)
        {
            Assert.Fail(
                $"The OpenAPI document the sample serves at /openapi/v1.json differs from docs/openapi/management-v1.json " +
                $"({FirstDifference(checkedIn, generated)}). If the HTTP contract changed on purpose, regenerate the copy with " +
                $"'{UpdateVariable}=1 dotnet test tests/TokenSdk.Samples.WebApi.Tests --filter FullyQualifiedName~OpenApiDocumentTests' " +
                "and review the diff; otherwise the change broke the management API's contract.");
        }
    }

    [Fact]
    public async Task Document_DescribesEveryManagementRoute_WithItsRequestAndResponseSchemas()
    {
        // Arrange
        JsonNode document = JsonNode.Parse(await FetchAsync())!;
        JsonObject paths = document["paths"]!.AsObject();

        // Act
        string[] operations = [.. paths.SelectMany(path => path.Value!.AsObject()
            .Where(operation => operation.Key is "get" or "post" or "put" or "delete")
            .Select(operation => $"{operation.Key} {path.Key}"))];

        // Assert: every management route, and nothing but them.
        Assert.Equal(s_managementOperations.Order(StringComparer.Ordinal), operations.Order(StringComparer.Ordinal));
        Assert.Equal("TokenSdk.CreateClientIdSecret", (string?)paths["/v2/clientIdSecrets"]!["post"]!["operationId"]);
        Assert.Equal("Tokens", (string?)paths["/v2/clientIdSecrets"]!["post"]!["tags"]![0]);
        Assert.Equal("http", (string?)document["components"]!["securitySchemes"]!["ApplicationToken"]!["type"]);
        Assert.Equal("bearer", (string?)document["components"]!["securitySchemes"]!["ApplicationToken"]!["scheme"]);

        // Request bodies: create token, create role, rotate.
        JsonObject create = RequestSchema(document, paths["/v2/clientIdSecrets"]!["post"]!);
        Assert.Equal(["description", "orgId", "roles", "tokenExpiry"], create.Select(p => p.Key).Order(StringComparer.Ordinal));
        JsonObject role = RequestSchema(document, paths["/v2/organizations/roles"]!["post"]!);
        Assert.Equal(["name", "policy"], role.Select(p => p.Key).Order(StringComparer.Ordinal));
        JsonObject rotate = RequestSchema(document, paths["/v2/clientIdSecrets/{clientId}/rotate"]!["post"]!);
        Assert.Equal(["description", "gracePeriod", "roles"], rotate.Select(p => p.Key).Order(StringComparer.Ordinal));

        // Responses: the token list, the role list, and the Astra error body.
        JsonObject list = ResponseSchema(document, paths["/v2/clientIdSecrets"]!["get"]!, "200");
        Assert.Equal(["clients"], list.Select(p => p.Key));
        JsonObject entry = Properties(document, list["clients"]!["items"]!);
        Assert.Equal(["clientId", "description", "generatedOn", "lastUsed", "roles", "tokenExpiry"], entry.Select(p => p.Key).Order(StringComparer.Ordinal));
        JsonNode roles = Resolve(document, paths["/v2/organizations/roles"]!["get"]!["responses"]!["200"]!["content"]!["application/json"]!["schema"]!);
        JsonObject roleItem = Properties(document, roles["items"]!);
        Assert.Equal(["id", "last_update_datetime", "last_update_userid", "name", "policy"], roleItem.Select(p => p.Key).Order(StringComparer.Ordinal));
        JsonObject error = ResponseSchema(document, paths["/v2/organizations/roles/{roleId}"]!["delete"]!, "409", "application/problem+json");
        Assert.Contains("errors", error.Select(p => p.Key));
        Assert.Contains("tokenCount", error.Select(p => p.Key));
        Assert.NotNull(paths["/v2/organizations/roles"]!["post"]!["responses"]!["201"]);
        Assert.NotNull(paths["/v2/clientIdSecrets/{clientId}"]!["delete"]!["responses"]!["204"]);
    }

    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }

        _temp.Dispose();
    }

    private async Task<string> FetchAsync()
    {
        using var client = new HttpClient { BaseAddress = _server!.Address };
        using HttpResponseMessage response = await client.GetAsync(new Uri("/openapi/v1.json", UriKind.Relative), Ct);
        string body = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.IsSuccessStatusCode, $"GET /openapi/v1.json: {(int)response.StatusCode} {body}");
        return body;
    }

    private static JsonObject RequestSchema(JsonNode document, JsonNode operation) =>
        Properties(document, operation["requestBody"]!["content"]!["application/json"]!["schema"]!);

    private static JsonObject ResponseSchema(JsonNode document, JsonNode operation, string status, string contentType = "application/json") =>
        Properties(document, operation["responses"]![status]!["content"]![contentType]!["schema"]!);

    private static JsonObject Properties(JsonNode document, JsonNode schema) => Resolve(document, schema)["properties"]!.AsObject();

    private static JsonNode Resolve(JsonNode document, JsonNode schema) =>
        schema["$ref"] is { } reference
            ? document["components"]!["schemas"]![((string)reference!).Split('/')[^1]]!
            : schema;

    /// <summary>The document as checked in: object members sorted (ordinal), indented, LF line ends, a final newline.</summary>
    private static string Normalize(string json)
    {
        JsonNode sorted = Sort(JsonNode.Parse(json)!);
        var options = new JsonSerializerOptions { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
        return sorted.ToJsonString(options).ReplaceLineEndings("\n") + "\n";
    }

    private static JsonNode Sort(JsonNode node) => node switch
    {
        JsonObject obj => new JsonObject(obj.OrderBy(p => p.Key, StringComparer.Ordinal)
            .Select(p => KeyValuePair.Create(p.Key, p.Value is null ? null : Sort(p.Value)))),
        JsonArray array => new JsonArray([.. array.Select(item => item is null ? null : Sort(item))]),
        _ => node.DeepClone(),
    };

    private static string FirstDifference(string expected, string actual)
    {
        string[] expectedLines = expected.Split('\n');
        string[] actualLines = actual.Split('\n');
        for (int i = 0; i < Math.Max(expectedLines.Length, actualLines.Length); i++)
        {
            string? e = i < expectedLines.Length ? expectedLines[i] : null;
            string? a = i < actualLines.Length ? actualLines[i] : null;
            if (e != a)
            {
                return $"first difference at line {i + 1}: checked in '{e?.Trim() ?? "(end)"}', served '{a?.Trim() ?? "(end)"}'";
            }
        }

        return "no line differs";
    }
}
