using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using TokenSdk.AspNetCore.Tests.TestSupport;
using TokenSdk.Credentials;
using TokenSdk.Roles;
using TokenSdk.Storage;

namespace TokenSdk.AspNetCore.Tests.Management;

/// <summary>
/// The management API and the health check on a file store whose disk is really full: answers are 503 with a
/// ProblemDetails body, the cause is logged once per outage, and the health check reports it.
/// </summary>
[Trait("Category", "Slow")]
public sealed class StoreOutageTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Management_DiskFull_Answers503OnceLoggedAndHealthUnhealthyUntilSpaceIsFreed()
    {
        Assert.SkipUnless(SmallDisk.CanMount, "needs root on Linux to mount a small tmpfs");

        // Arrange: a file store on a 4 MiB disk (the store wants 1 MiB free), an administrator token in it, then the disk filled up.
        using SmallDisk disk = SmallDisk.Mount(4096);
        var store = new FileTokenStore(new FileTokenStoreOptions { Directory = Path.Combine(disk.Path, "store") });
        await using TestApp app = await TestApp.StartAsync(configureServices: s => s.AddSingleton<ITokenStore>(store));
        GeneratedToken admin = await app.GenerateAsync(DefaultRoles.OrganizationAdministrator);
        string filler = disk.Fill();

        // Act: enough creates to meet the full disk (the log's last page may still take a few records), then more.
        var statuses = new List<HttpStatusCode>();
        HttpResponseMessage? unavailable = null;
        for (int i = 0; i < 200 && statuses.Count(s => s == HttpStatusCode.ServiceUnavailable) < 20; i++)
        {
            HttpResponseMessage response = await CreateAsync(app, admin.Token);
            statuses.Add(response.StatusCode);
            if (response.StatusCode == HttpStatusCode.ServiceUnavailable)
            {
                unavailable?.Dispose();
                unavailable = response;
            }
            else
            {
                response.Dispose();
            }
        }

        using HttpResponseMessage healthWhileFull = await app.GetAsync("/healthz");
        using HttpResponseMessage listWhileFull = await app.GetAsync("/v2/clientIdSecrets", admin.Token);
        File.Delete(filler);
        using HttpResponseMessage healthAfter = await app.GetAsync("/healthz");
        using HttpResponseMessage createdAfter = await CreateAsync(app, admin.Token);

        // Assert
        Assert.NotNull(unavailable);
        using (unavailable)
        {
            Assert.Equal("application/problem+json", unavailable.Content.Headers.ContentType?.MediaType);
            using JsonDocument problem = JsonDocument.Parse(await unavailable.Content.ReadAsStringAsync(Ct));
            Assert.Equal(503, problem.RootElement.GetProperty("status").GetInt32());
            Assert.Equal("Token store unavailable", problem.RootElement.GetProperty("title").GetString());
            Assert.Equal(50300, Assert.Single(problem.RootElement.GetProperty("errors").EnumerateArray()).GetProperty("ID").GetInt32());
            Assert.DoesNotContain(disk.Path, problem.RootElement.GetRawText(), StringComparison.Ordinal);
            Assert.NotNull(unavailable.Headers.RetryAfter);
        }

        Assert.All(statuses.SkipWhile(s => s != HttpStatusCode.ServiceUnavailable), s => Assert.Equal(HttpStatusCode.ServiceUnavailable, s));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, healthWhileFull.StatusCode);
        Assert.Equal(HttpStatusCode.OK, listWhileFull.StatusCode);
        Assert.Equal(HttpStatusCode.OK, healthAfter.StatusCode);
        Assert.True(createdAfter.IsSuccessStatusCode, $"After freeing space: {createdAfter.StatusCode}");

        // Logged once per outage and per observer (requests, health check), and no request left an unhandled exception.
        var records = app.Logs.GetSnapshot();
        Assert.Single(records, r => r.Id.Name == "StoreUnavailable" && r.Category == "TokenSdk.AspNetCore.Management");
        Assert.Single(records, r => r.Id.Name == "StoreUnavailable" && r.Category!.EndsWith("TokenStoreHealthCheck", StringComparison.Ordinal));
        Assert.Single(records, r => r.Id.Name == "StoreAvailableAgain" && r.Category == "TokenSdk.AspNetCore.Management");
        Assert.DoesNotContain(records, r => r.Level >= LogLevel.Error && r.Id.Name != "StoreUnavailable" && r.Category!.StartsWith("TokenSdk", StringComparison.Ordinal));
        Assert.DoesNotContain(records, r => r.Exception is TokenStoreException && r.Id.Name != "StoreUnavailable");
        Assert.DoesNotContain(records, r => r.Message.Contains(admin.Token, StringComparison.Ordinal));
    }

    private static Task<HttpResponseMessage> CreateAsync(TestApp app, string bearer)
    {
        HttpRequestMessage request = TestApp.Request(HttpMethod.Post, "/v2/clientIdSecrets", bearer);
        request.Content = new StringContent("""{ "roles": ["read-only-user"], "description": "filling the disk" }""", Encoding.UTF8);
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return app.SendAsync(request);
    }
}
