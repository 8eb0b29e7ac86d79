using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using TokenSdk.PostgreSql.Tests.TestSupport;

namespace TokenSdk.PostgreSql.Tests.MultiNode;

/// <summary>
/// Several nodes, for real: two processes of the built web sample on one fresh database, each on its own port, plus the
/// <c>tokensdk</c> tool. What one node or the tool writes, the other node honours: a token created on one verifies on
/// the other, a deletion is rejected by both, and a node that was down while a token was deleted comes back without it.
/// The password of the connection string appears in no output of any of them.
/// </summary>
[Trait("Category", "Slow")]
public sealed class MultiNodeTests(PostgreSqlServer server) : IAsyncDisposable
{
    // The bound a deletion must be rejected within, on a connected node: far above the 100 ms the store aims at (the
    // benchmarks measure that), and above the poll backstop (RefreshInterval, 1 s) should a notification be lost.
    private static readonly TimeSpan s_revocationBound = TimeSpan.FromSeconds(2);

    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(30) };
    private readonly string _directory = Directory.CreateTempSubdirectory("tokensdk-multinode-").FullName;
    private readonly List<SampleNode> _nodes = [];
    private readonly List<string> _outputs = [];
    private string _connectionString = "";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task TwoNodesAndTheCli_OneBootstrapACreationSeenByTheOtherNodeAndACliDeletionRejectedByBoth()
    {
        await MigrateFreshDatabaseAsync();

        // Both nodes start at once on the empty store: exactly one of them bootstraps.
        SampleNode[] started = await Task.WhenAll(StartNodeAsync("A"), StartNodeAsync("B"));
        (SampleNode a, SampleNode b) = (started[0], started[1]);
        string admin = await SingleBootstrapTokenAsync();

        (string clientId, string token) = await CreateTokenAsync(a, admin);
        Assert.True(await EventuallyAsync(() => IsStatusAsync(b, token, HttpStatusCode.OK), TimeSpan.FromSeconds(10)),
            $"A token created through node A does not verify on node B. {b}");
        Assert.Equal(HttpStatusCode.OK, await DataStatusAsync(a, token));

        CliResult deleted = await CliAsync("tokens", "delete", clientId, "--reason", "compromised", "--yes", "--store", "postgres");
        Assert.True(deleted.ExitCode == 0, deleted.ToString());
        var sinceDeletion = Stopwatch.StartNew();
        bool rejectedByBoth = await EventuallyAsync(
            async () => await IsStatusAsync(a, token, HttpStatusCode.Unauthorized) && await IsStatusAsync(b, token, HttpStatusCode.Unauthorized),
            s_revocationBound);

        Assert.True(rejectedByBoth, $"A token deleted through the CLI was still accepted {sinceDeletion.Elapsed} later. {a} {b}");
        Assert.Equal(HttpStatusCode.OK, await DataStatusAsync(b, admin));
        await AssertNoPasswordInAnyOutputAsync();
    }

    [Fact]
    public async Task NodeDownWhileATokenIsDeletedThroughTheOther_RejectsItWhenItComesBack()
    {
        await MigrateFreshDatabaseAsync();
        SampleNode a = await StartNodeAsync("A");
        SampleNode b = await StartNodeAsync("B");
        string admin = await SingleBootstrapTokenAsync();
        (string deletedId, string deletedToken) = await CreateTokenAsync(a, admin);
        (_, string keptToken) = await CreateTokenAsync(a, admin);
        Assert.True(await EventuallyAsync(() => IsStatusAsync(b, deletedToken, HttpStatusCode.OK), TimeSpan.FromSeconds(10)), $"Node B never accepted the token. {b}");

        await b.StopAsync();
        using (HttpRequestMessage delete = Request(HttpMethod.Delete, a, "/v2/clientIdSecrets/" + deletedId, admin))
        using (HttpResponseMessage response = await _http.SendAsync(delete, Ct))
        {
            Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        }

        SampleNode restarted = await StartNodeAsync("B", "B-again");

        // At once, without waiting: the node loaded the store before it listened.
        Assert.Equal(HttpStatusCode.Unauthorized, await DataStatusAsync(restarted, deletedToken));
        Assert.Equal(HttpStatusCode.OK, await DataStatusAsync(restarted, keptToken));
        Assert.DoesNotContain("The store was empty", restarted.Output, StringComparison.Ordinal);
        await AssertNoPasswordInAnyOutputAsync();
    }

    [Fact]
    public async Task Node_SchemaNotMigrated_StopsWithOneLineAndExitCode1()
    {
        _connectionString = TestPassword.AddTo(await server.CreateDatabaseAsync());

        InvalidOperationException ex = await Assert.ThrowsAsync<InvalidOperationException>(() => StartNodeAsync("A"));

        // SampleNode's message: "... (A) ended with exit code 1: <everything the node wrote>".
        string output = ex.Message[(ex.Message.IndexOf("ended with exit code 1: ", StringComparison.Ordinal) + "ended with exit code 1: ".Length)..];
        string line = Assert.Single(output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        Assert.StartsWith("The sample cannot start: The PostgreSQL database (host=", line, StringComparison.Ordinal);
        Assert.Contains("has no TokenSdk schema 'tokensdk'", line, StringComparison.Ordinal);
        TestPassword.AssertAbsent(ex.Message);
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        foreach (SampleNode node in _nodes)
        {
            await node.DisposeAsync();
        }

        _http.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    // A fresh database, its schema created by the tool as a deployment would ('tokensdk db migrate'), before any node starts.
    private async Task MigrateFreshDatabaseAsync()
    {
        _connectionString = TestPassword.AddTo(await server.CreateDatabaseAsync());
        CliResult migrated = await CliAsync("db", "migrate");
        Assert.True(migrated.ExitCode == 0, migrated.ToString());
    }

    // Each node has a bootstrap file of its own (as on separate machines); a restarted node keeps its name's file.
    private async Task<SampleNode> StartNodeAsync(string name, string? label = null)
    {
        SampleNode node = await SampleNode.StartAsync(label ?? name, new Dictionary<string, string>
        {
            ["TOKENSDK_POSTGRES"] = _connectionString,
            ["TOKENSDK_BOOTSTRAP_FILE"] = BootstrapFile(name),
        });
        lock (_nodes)
        {
            _nodes.Add(node);
        }

        return node;
    }

    private string BootstrapFile(string node) => Path.Combine(_directory, node, "bootstrap-token.json");

    // Exactly one node bootstrapped (one file, one message), and the store holds exactly that one token.
    private async Task<string> SingleBootstrapTokenAsync()
    {
        string[] files = [.. new[] { "A", "B" }.Select(BootstrapFile).Where(File.Exists)];
        string bootstrapped = string.Join(" ", _nodes.Select(n => n.ToString()));
        Assert.True(files.Length == 1, $"{files.Length} nodes bootstrapped. {bootstrapped}");
        Assert.Single(_nodes, node => node.Output.Contains("The store was empty", StringComparison.Ordinal));

        CliResult listed = await CliAsync("tokens", "list", "--store", "postgres", "--output", "json");
        JsonElement clients = JsonDocument.Parse(listed.StandardOutput).RootElement.GetProperty("clients");
        JsonElement only = Assert.Single(clients.EnumerateArray());
        using JsonDocument details = JsonDocument.Parse(await File.ReadAllTextAsync(files[0], Ct));
        Assert.Equal(details.RootElement.GetProperty("clientId").GetString(), only.GetProperty("clientId").GetString());
        return details.RootElement.GetProperty("token").GetString()!;
    }

    private async Task<(string ClientId, string Token)> CreateTokenAsync(SampleNode node, string admin)
    {
        using HttpRequestMessage request = Request(HttpMethod.Post, node, "/v2/clientIdSecrets", admin);
        request.Content = new StringContent("""{"roles":["read-only-user"],"description":"multi-node test"}""", Encoding.UTF8, "application/json");
        using HttpResponseMessage response = await _http.SendAsync(request, Ct);
        string body = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{response.StatusCode}: {body} {node}");   // not OK: an error body, no secret in it
        using JsonDocument created = JsonDocument.Parse(body);
        return (created.RootElement.GetProperty("clientId").GetString()!, created.RootElement.GetProperty("token").GetString()!);
    }

    private async Task<HttpStatusCode> DataStatusAsync(SampleNode node, string token)
    {
        using HttpRequestMessage request = Request(HttpMethod.Get, node, "/data", token);
        using HttpResponseMessage response = await _http.SendAsync(request, Ct);
        return response.StatusCode;
    }

    private async Task<bool> IsStatusAsync(SampleNode node, string token, HttpStatusCode expected) => await DataStatusAsync(node, token) == expected;

    private static HttpRequestMessage Request(HttpMethod method, SampleNode node, string path, string token)
    {
        var request = new HttpRequestMessage(method, new Uri(node.BaseAddress, path));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return request;
    }

    // The tool, in process, with the connection string in TOKENSDK_POSTGRES only.
    private async Task<CliResult> CliAsync(params string[] arguments)
    {
        CliResult result = await InProcessCli.RunAsync(arguments, new Dictionary<string, string> { ["TOKENSDK_POSTGRES"] = _connectionString });
        _outputs.Add(result.StandardOutput + result.StandardError);
        return result;
    }

    private async Task AssertNoPasswordInAnyOutputAsync()
    {
        foreach (SampleNode node in _nodes)
        {
            await node.StopAsync(); // Everything it wrote is read once it has exited.
            TestPassword.AssertAbsent(node.Output);
        }

        foreach (string output in _outputs)
        {
            TestPassword.AssertAbsent(output);
        }
    }

    /// <summary>Polls <paramref name="condition"/> until it holds or <paramref name="patience"/> has passed: a bound to fail on, not a timing.</summary>
    private static async Task<bool> EventuallyAsync(Func<Task<bool>> condition, TimeSpan patience)
    {
        var elapsed = Stopwatch.StartNew();
        while (!await condition())
        {
            if (elapsed.Elapsed > patience)
            {
                return false;
            }

            await Task.Delay(10, Ct);
        }

        return true;
    }
}
