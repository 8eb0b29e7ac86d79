using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.AspNetCore.Routing;

namespace TokenSdk.AspNetCore.Ui.Tests.Server;

/// <summary>Misuse found when the page is mapped, with a message that says what to fix.</summary>
public sealed class MapTokenManagementPageTests
{
    [Theory]
    [InlineData("settings/tokens")]
    [InlineData("/settings/tokens/")]
    [InlineData("/settings/{id}")]
    [InlineData("/settings tokens")]
    public void Map_InvalidPath_ArgumentException(string path)
    {
        using WebApplication app = Host(antiforgery: true);

        var ex = Assert.Throws<ArgumentException>(() => app.MapTokenManagementPage(path));

        Assert.Equal("path", ex.ParamName);
        Assert.Contains("must start with '/'", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("v2", "ApiPrefix")]
    [InlineData("/v2/", "ApiPrefix")]
    [InlineData("", "ApiPrefix")]
    [InlineData(null, "Title")]
    [InlineData(" ", "AuthenticationSchemes")]
    [InlineData("signout", "SignOutPath")]
    [InlineData("//evil.example/signout", "SignOutPath")]
    [InlineData("/signout?x=1", "SignOutPath")]
    public void Map_InvalidOptions_ArgumentExceptionNamingTheOption(string? apiPrefix, string option)
    {
        using WebApplication app = Host(antiforgery: true);

        var ex = Assert.Throws<ArgumentException>(() => app.MapTokenManagementPage(configure: o =>
        {
            switch (option)
            {
                case "ApiPrefix": o.ApiPrefix = apiPrefix!; break;
                case "Title": o.Title = new string('x', 101); break;
                case "SignOutPath": o.SignOutPath = apiPrefix; break;
                default: o.AuthenticationSchemes.Add(apiPrefix!); break;
            }
        }));

        Assert.Equal("configure", ex.ParamName);
        Assert.Contains($"TokenManagementPageOptions.{option}", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Map_WithoutAntiforgery_InvalidOperationExceptionSaysWhatToCall()
    {
        using WebApplication app = Host(antiforgery: false);

        var ex = Assert.Throws<InvalidOperationException>(() => app.MapTokenManagementPage());

        Assert.Contains("AddAntiforgery()", ex.Message, StringComparison.Ordinal);
        Assert.Contains("AddTokenManagementPage()", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Map_WithoutTokenSdk_InvalidOperationExceptionSaysWhatToCall()
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseTestServer();
        builder.Services.AddTokenManagementPage();
        using WebApplication app = builder.Build();

        var ex = Assert.Throws<InvalidOperationException>(() => app.MapTokenManagementPage());

        Assert.Contains("AddTokenSdk()", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Map_Valid_ReturnsTheGroupAndMapsFourEndpoints()
    {
        using WebApplication app = Host(antiforgery: true);

        var group = app.MapTokenManagementPage("/admin/tokens", o => o.AuthenticationSchemes.Add("Cookies"));

        Assert.NotNull(group);
        var routes = ((IEndpointRouteBuilder)app).DataSources.SelectMany(s => s.Endpoints).OfType<Microsoft.AspNetCore.Routing.RouteEndpoint>()
            .Select(e => e.RoutePattern.RawText!.TrimEnd('/')).ToArray();
        Assert.Contains("/admin/tokens", routes);
        Assert.Contains("/admin/tokens/context", routes);
        Assert.Contains("/admin/tokens/assets/app.js", routes);
        Assert.Contains("/admin/tokens/assets/app.css", routes);
    }

    [Fact]
    public void AddTokenManagementPage_Twice_Harmless()
    {
        var services = new ServiceCollection();

        services.AddTokenManagementPage().AddTokenManagementPage();

        using ServiceProvider provider = services.AddLogging().BuildServiceProvider();
        Assert.NotNull(provider.GetService<Microsoft.AspNetCore.Antiforgery.IAntiforgery>());
    }

    private static WebApplication Host(bool antiforgery)
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseTestServer();
        builder.Services.AddTokenSdk().AddInMemoryStore();
        if (antiforgery)
        {
            builder.Services.AddAntiforgery();
        }

        return builder.Build();
    }
}
