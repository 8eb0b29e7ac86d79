using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace TokenSdk.AspNetCore.Tests.TestSupport;

/// <summary>
/// Lets a test choose the client address of a request on the TestServer (which has none): the first middleware
/// copies the <see cref="HeaderName"/> header into <c>Connection.RemoteIpAddress</c>.
/// </summary>
internal static class ClientAddress
{
    public const string HeaderName = "X-Test-Client-Address";

    /// <summary>Registers the middleware, ahead of everything the application adds.</summary>
    public static IServiceCollection AddClientAddressFromHeader(this IServiceCollection services) =>
        services.AddTransient<IStartupFilter, StartupFilter>();

    /// <summary>Marks <paramref name="request"/> as sent from <paramref name="address"/>.</summary>
    public static HttpRequestMessage From(this HttpRequestMessage request, string address)
    {
        request.Headers.Add(HeaderName, address);
        return request;
    }

    private sealed class StartupFilter : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((context, nextMiddleware) =>
            {
                if (context.Request.Headers.TryGetValue(HeaderName, out var value) && IPAddress.TryParse(value.ToString(), out IPAddress? address))
                {
                    context.Connection.RemoteIpAddress = address;
                }

                return nextMiddleware(context);
            });
            next(app);
        };
    }
}
