using System.Text.Json;
using System.Text.Json.Serialization;

namespace TokenSdk.Samples.WebApi;

// The sample's own responses as named types with source-generated JSON metadata (SampleJsonContext), not anonymous
// types: the same JSON either way, and it also serializes when the sample is published with Native AOT, where
// reflection-based JSON is off (docs/aot.md).

/// <summary>What <c>GET /</c> answers: what this service is and where its parts are.</summary>
internal sealed record ServiceInfo(string Service, string Management, string Page, string SignIn, string Health, string OpenApi);

/// <summary>What <c>GET /data</c> answers.</summary>
internal sealed record DataRows(string[] Rows, string? Caller);

/// <summary>What <c>GET /orders</c> answers.</summary>
internal sealed record OrderList(int[] Orders);

/// <summary>What <c>POST /admin/keyspaces/{name}</c> answers.</summary>
internal sealed record KeyspaceCreated(string Keyspace);

/// <summary>What <c>GET /billing</c> answers.</summary>
internal sealed record BillingBalance(int Balance);

/// <summary>The JSON metadata of the sample's responses (camelCase, as ASP.NET Core's web defaults).</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(ServiceInfo))]
[JsonSerializable(typeof(DataRows))]
[JsonSerializable(typeof(OrderList))]
[JsonSerializable(typeof(KeyspaceCreated))]
[JsonSerializable(typeof(BillingBalance))]
internal sealed partial class SampleJsonContext : JsonSerializerContext;
