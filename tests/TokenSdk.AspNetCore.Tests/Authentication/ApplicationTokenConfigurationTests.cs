using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TokenSdk.AspNetCore.Authentication;
using TokenSdk.Credentials;
using TokenSdk.Management;
using TokenSdk.Roles;

namespace TokenSdk.AspNetCore.Tests.Authentication;

public sealed class ApplicationTokenConfigurationTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AddApplicationTokens_ConfigurationSection_ValuesLandAndAbsentKeysKeepDefaults()
    {
        IConfiguration configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Auth:AcceptBearerHeader"] = "false",
            ["Auth:AcceptBasic"] = "true",
            ["Auth:AcceptQueryString"] = "true",
            ["Auth:QueryParameterName"] = "access_token",
            ["Auth:FailureSummaryInterval"] = "00:00:30",
            ["Auth:ClaimsIssuer"] = "acme",
        }).Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddAuthentication().AddApplicationTokens(configuration.GetSection("Auth"));
        await using ServiceProvider provider = services.BuildServiceProvider();

        ApplicationTokenOptions options = provider.GetRequiredService<IOptionsMonitor<ApplicationTokenOptions>>().Get(ApplicationTokenDefaults.AuthenticationScheme);

        Assert.False(options.AcceptBearerHeader);
        Assert.True(options.AcceptBasic);
        Assert.True(options.AcceptQueryString);
        Assert.Equal("access_token", options.QueryParameterName);
        Assert.Equal(TimeSpan.FromSeconds(30), options.FailureSummaryInterval);
        Assert.Equal("acme", options.ClaimsIssuer);
        Assert.True(options.AcceptCassandraTokenHeader); // absent: the default
        Assert.True(options.AcceptTokenHeader);
        Assert.NotNull(options.Events);
    }

    [Fact]
    public async Task AddApplicationTokens_InvalidConfiguration_IsReportedAtStart()
    {
        IConfiguration configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Auth:AcceptBearerHeader"] = "false",
            ["Auth:AcceptCassandraTokenHeader"] = "false",
            ["Auth:AcceptTokenHeader"] = "false",
        }).Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddAuthentication().AddApplicationTokens(configuration.GetSection("Auth"));
        await using ServiceProvider provider = services.BuildServiceProvider();

        OptionsValidationException error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());

        Assert.Contains("accepts no credential source", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AddApplicationTokens_SectionPath_BindsTheApplicationsConfigurationThenRunsTheCodeAndAuthenticates()
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { EnvironmentName = "Testing" });
        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Authentication:Schemes:Tokens:AcceptQueryString"] = "true",
            ["Authentication:Schemes:Tokens:QueryParameterName"] = "key",
            ["Authentication:Schemes:Tokens:AcceptBearerHeader"] = "false",
        });
        builder.Services.AddTokenSdk().AddInMemoryStore();
        bool validated = false;
        builder.Services.AddAuthentication("Tokens").AddApplicationTokens("Tokens", "Authentication:Schemes:Tokens", o => o.Events.OnTokenValidated = _ =>
        {
            validated = true;
            return Task.CompletedTask;
        });
        builder.Services.AddAuthorization();
        await using WebApplication app = builder.Build();
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapGet("/me", (System.Security.Claims.ClaimsPrincipal user) => user.Identity!.Name).RequireAuthorization();
        await app.StartAsync(Ct);
        GeneratedToken token = (await app.Services.GetRequiredService<ITokenManager>().GenerateAsync(
            new TokenCaller("admin", TokenSdkOptions.DefaultOrganization, [DefaultRoles.OrganizationAdministrator]),
            DefaultRoles.ReadOnlyUser.Id, new TokenGenerateOptions { Description = "test" }, Ct)).GetValueOrThrow();
        using HttpClient client = app.GetTestClient();

        using HttpResponseMessage byQuery = await client.GetAsync(new Uri("/me?key=" + Uri.EscapeDataString(token.Token), UriKind.Relative), Ct);
        using HttpRequestMessage bearerRequest = new(HttpMethod.Get, "/me");
        bearerRequest.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token.Token);
        using HttpResponseMessage byBearer = await client.SendAsync(bearerRequest, Ct);

        Assert.Equal(HttpStatusCode.OK, byQuery.StatusCode);
        Assert.Equal(token.ClientId, await byQuery.Content.ReadAsStringAsync(Ct));
        Assert.True(validated);
        Assert.Equal(HttpStatusCode.Unauthorized, byBearer.StatusCode); // switched off by configuration
        await app.StopAsync(Ct);
    }

    [Fact]
    public async Task AddApplicationTokens_SectionPath_InvalidValueStopsTheHostAtStart()
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { EnvironmentName = "Testing" });
        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Tokens:FailureSummaryInterval"] = "00:00:00.5",
        });
        builder.Services.AddTokenSdk().AddInMemoryStore();
        builder.Services.AddAuthentication().AddApplicationTokens(ApplicationTokenDefaults.AuthenticationScheme, "Tokens", configure: null);
        await using WebApplication app = builder.Build();

        OptionsValidationException error = await Assert.ThrowsAsync<OptionsValidationException>(() => app.StartAsync(Ct));

        Assert.Contains("FailureSummaryInterval", error.Message, StringComparison.Ordinal);
    }
}
