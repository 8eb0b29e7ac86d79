using Microsoft.Extensions.Logging;
using TokenSdk.AspNetCore.Authentication;

namespace TokenSdk.AspNetCore.Diagnostics;

/// <summary>
/// The logger factory given to <see cref="ApplicationTokenHandler"/>'s base class, <c>AuthenticationHandler</c>,
/// which logs under the handler's type name and writes three lines at Information that anyone can cause at will:
/// "was not authenticated. Failure message: ..." (event 7), "was challenged" (12) and "was forbidden" (13). For the
/// handler's category those events are written at Debug instead; everything else passes through unchanged.
/// </summary>
/// <remarks>
/// A singleton: the handler is created per request, and the base class asks for its logger in its constructor, so
/// the demoting logger is made once and handed out every time.
/// </remarks>
internal sealed class ApplicationTokenHandlerLoggerFactory : ILoggerFactory
{
    /// <summary>The category the base class logs under: the handler's full type name.</summary>
    public static readonly string HandlerCategory = typeof(ApplicationTokenHandler).FullName!;

    private readonly ILoggerFactory _inner;
    private readonly DemotingLogger _handlerLogger;

    public ApplicationTokenHandlerLoggerFactory(ILoggerFactory inner)
    {
        ArgumentNullException.ThrowIfNull(inner);
        _inner = inner;
        _handlerLogger = new DemotingLogger(inner.CreateLogger(HandlerCategory));
    }

    public ILogger CreateLogger(string categoryName) =>
        string.Equals(categoryName, HandlerCategory, StringComparison.Ordinal) ? _handlerLogger : _inner.CreateLogger(categoryName);

    public void AddProvider(ILoggerProvider provider) => _inner.AddProvider(provider);

    // The inner factory belongs to the host.
    public void Dispose()
    {
    }

    /// <summary>Writes the base class's per-request events at Debug.</summary>
    internal sealed class DemotingLogger(ILogger inner) : ILogger
    {
        // Microsoft.AspNetCore.Authentication's LoggingExtensions: AuthenticationSchemeNotAuthenticatedWithFailure,
        // AuthenticationSchemeChallenged, AuthenticationSchemeForbidden. TokenSdk's own ids start at 5000.
        private const int NotAuthenticatedWithFailure = 7;
        private const int Challenged = 12;
        private const int Forbidden = 13;

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => inner.BeginScope(state);

        public bool IsEnabled(LogLevel logLevel) => inner.IsEnabled(logLevel);

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (logLevel > LogLevel.Debug && eventId.Id is NotAuthenticatedWithFailure or Challenged or Forbidden)
            {
                if (inner.IsEnabled(LogLevel.Debug))
                {
                    inner.Log(LogLevel.Debug, eventId, state, exception, formatter);
                }

                return;
            }

            inner.Log(logLevel, eventId, state, exception, formatter);
        }
    }
}
