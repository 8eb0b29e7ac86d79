namespace TokenSdk.AspNetCore.Authentication;

/// <summary>Default values of the application token authentication scheme.</summary>
public static class ApplicationTokenDefaults
{
    /// <summary>The default authentication scheme name, <c>ApplicationToken</c>.</summary>
    public const string AuthenticationScheme = "ApplicationToken";

    /// <summary>The header Cassandra clients (Stargate, the Astra APIs) send the token in, <c>X-Cassandra-Token</c>.</summary>
    public const string CassandraTokenHeaderName = "X-Cassandra-Token";

    /// <summary>The plain token header some Astra tools send, <c>Token</c>.</summary>
    public const string TokenHeaderName = "Token";

    /// <summary>The user name that marks HTTP Basic credentials whose password is a whole token, <c>token</c>.</summary>
    public const string BasicTokenUserName = "token";

    /// <summary>The default query string parameter, <c>token</c>, read only when <see cref="ApplicationTokenOptions.AcceptQueryString"/> is set.</summary>
    public const string QueryParameterName = "token";
}
