using Microsoft.OpenApi;

namespace TokenSdk.Samples.WebApi;

/// <summary>
/// The OpenAPI document of the token management API, served at <see cref="DocumentPath"/>: the <c>/v2</c> routes that
/// <c>MapTokenManagement</c> maps, with the application token as the bearer security scheme. A copy is checked in at
/// docs/openapi/management-v1.json and compared with this document by the sample's tests.
/// </summary>
internal static class SampleOpenApi
{
    /// <summary>Where the document is served.</summary>
    public const string DocumentPath = "/openapi/v1.json";

    /// <summary>The name of the security scheme: an application token sent as <c>Authorization: Bearer</c>.</summary>
    public const string SecuritySchemeName = "ApplicationToken";

    /// <summary>Adds the document "v1": the management API only (the sample's own routes are not part of the contract).</summary>
    public static IServiceCollection AddSampleOpenApi(this IServiceCollection services) => services.AddOpenApi("v1", options =>
    {
        options.ShouldInclude = description => description.RelativePath?.StartsWith("v2/", StringComparison.Ordinal) == true;
        // The API writes numbers as numbers (its own serializer), whatever the web defaults' number handling suggests
        // for nullable integers (a string with a pattern).
        options.AddSchemaTransformer((schema, context, cancellationToken) =>
        {
            if (schema.Type is { } type && type.HasFlag(JsonSchemaType.Integer) && type.HasFlag(JsonSchemaType.String))
            {
                schema.Type = type & ~JsonSchemaType.String;
                schema.Pattern = null;
            }

            return Task.CompletedTask;
        });
        options.AddDocumentTransformer((document, context, cancellationToken) =>
        {
            document.Info = new OpenApiInfo
            {
                Title = "TokenSdk token management API",
                Version = "v2",
                Description = "Application tokens and roles, wire-compatible with the DataStax Astra DevOps API v2 " +
                    "(/v2/clientIdSecrets, /v2/organizations/roles, /v2/currentOrg), plus TokenSdk's own rotate and flat role routes. " +
                    "Every error body is an RFC 9457 problem with the DevOps API's errors: [{\"ID\", \"message\"}] member; " +
                    "the error ids are listed in docs/management.md.",
            };
            // The host's address, which changes with every run, is not part of the contract.
            document.Servers = [];
            document.Components ??= new OpenApiComponents();
            document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
            document.Components.SecuritySchemes[SecuritySchemeName] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http,
                Scheme = "bearer",
                BearerFormat = "TokenSdk application token",
                Description = "An application token (AstraCS:... or the host's prefix) with the permissions the route needs, sent as " +
                    "'Authorization: Bearer <token>' (X-Cassandra-Token and Token headers are accepted too).",
            };
            document.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(SecuritySchemeName, document)] = [] }];
            return Task.CompletedTask;
        });
    });
}
