using Microsoft.AspNetCore.Authentication;

namespace TokenSdk.AspNetCore.Authentication;

/// <summary>
/// Options of the application token authentication scheme: where a presented token may come from. The handler
/// looks in a fixed order (<c>Authorization: Bearer</c>, <c>X-Cassandra-Token</c>, <c>Token</c>,
/// <c>Authorization: Basic</c>, query string) and uses the first credential it finds.
/// </summary>
/// <remarks>Validated when the host starts: at least one source must be enabled.</remarks>
public sealed class ApplicationTokenOptions : AuthenticationSchemeOptions
{
    /// <summary>Initializes a new instance of the <see cref="ApplicationTokenOptions"/> class.</summary>
    public ApplicationTokenOptions()
    {
        Events = new ApplicationTokenEvents();
    }

    /// <summary>
    /// Gets or sets the events the handler raises: assign their delegates here, or set
    /// <see cref="AuthenticationSchemeOptions.EventsType"/> to a type derived from <see cref="ApplicationTokenEvents"/>
    /// that dependency injection resolves per request (it then replaces this instance).
    /// </summary>
    /// <remarks>Code only: configuration binding leaves it alone.</remarks>
    public new ApplicationTokenEvents Events
    {
        get => (ApplicationTokenEvents)base.Events!;
        set => base.Events = value;
    }

    /// <summary>Gets or sets whether <c>Authorization: Bearer &lt;token&gt;</c> is read.</summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool AcceptBearerHeader { get; set; } = true;

    /// <summary>Gets or sets whether the <c>X-Cassandra-Token</c> header is read.</summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool AcceptCassandraTokenHeader { get; set; } = true;

    /// <summary>Gets or sets whether the <c>Token</c> header is read.</summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool AcceptTokenHeader { get; set; } = true;

    /// <summary>
    /// Gets or sets whether <c>Authorization: Basic</c> is read: user name <c>token</c> with the whole token as
    /// password, or the client id as user name with the secret as password (as CQL drivers present them).
    /// </summary>
    /// <value>The default value is <see langword="false"/>.</value>
    /// <remarks>Browsers cache Basic credentials and send them on their own; enable only for non-browser clients.</remarks>
    public bool AcceptBasic { get; set; }

    /// <summary>
    /// Gets or sets whether the token is read from the query string parameter <see cref="QueryParameterName"/>.
    /// URLs end up in access logs, proxies and browser history, so enable this only where a client cannot send headers.
    /// </summary>
    /// <value>The default value is <see langword="false"/>.</value>
    public bool AcceptQueryString { get; set; }

    /// <summary>Gets or sets the query string parameter read when <see cref="AcceptQueryString"/> is set.</summary>
    /// <value>The default value is <c>token</c>.</value>
    public string QueryParameterName { get; set; } = ApplicationTokenDefaults.QueryParameterName;

    /// <summary>
    /// Gets or sets how often the failed authentications of this scheme are summarized in one Information log line
    /// (event 5003: the count by reason, nothing when there were none). Each failure itself is logged at Debug only,
    /// since anyone can cause one at will, and counted by the <c>tokensdk.aspnetcore.authentications</c> metric.
    /// <see cref="TimeSpan.Zero"/> writes no summary.
    /// </summary>
    /// <value>The default value is one minute.</value>
    /// <remarks>Zero, or from one second to one day. Read at the scheme's first failure; a later change applies after a restart.</remarks>
    public TimeSpan FailureSummaryInterval { get; set; } = TimeSpan.FromMinutes(1);
}
