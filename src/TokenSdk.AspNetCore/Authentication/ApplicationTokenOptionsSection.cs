using Microsoft.Extensions.Configuration;

namespace TokenSdk.AspNetCore.Authentication;

/// <summary>
/// What configuration may set of <see cref="ApplicationTokenOptions"/>, bound by the configuration binding source
/// generator (no reflection: trimming and AOT safe). The options themselves are not bound directly: the base class
/// has code-only members (<c>TimeProvider</c>, <c>ForwardDefaultSelector</c>, <c>Events</c>) the generator cannot bind.
/// A key that is absent leaves the option as it was.
/// </summary>
internal sealed class ApplicationTokenOptionsSection
{
    public bool? AcceptBearerHeader { get; set; }

    public bool? AcceptCassandraTokenHeader { get; set; }

    public bool? AcceptTokenHeader { get; set; }

    public bool? AcceptBasic { get; set; }

    public bool? AcceptQueryString { get; set; }

    public string? QueryParameterName { get; set; }

    public TimeSpan? FailureSummaryInterval { get; set; }

    public string? ClaimsIssuer { get; set; }

    public string? ForwardDefault { get; set; }

    public string? ForwardAuthenticate { get; set; }

    public string? ForwardChallenge { get; set; }

    public string? ForwardForbid { get; set; }

    public string? ForwardSignIn { get; set; }

    public string? ForwardSignOut { get; set; }

    /// <summary>Binds <paramref name="configuration"/> and copies every value it holds onto <paramref name="options"/>.</summary>
    public static void Apply(IConfiguration configuration, ApplicationTokenOptions options)
    {
        var section = new ApplicationTokenOptionsSection();
        configuration.Bind(section);
        options.AcceptBearerHeader = section.AcceptBearerHeader ?? options.AcceptBearerHeader;
        options.AcceptCassandraTokenHeader = section.AcceptCassandraTokenHeader ?? options.AcceptCassandraTokenHeader;
        options.AcceptTokenHeader = section.AcceptTokenHeader ?? options.AcceptTokenHeader;
        options.AcceptBasic = section.AcceptBasic ?? options.AcceptBasic;
        options.AcceptQueryString = section.AcceptQueryString ?? options.AcceptQueryString;
        options.QueryParameterName = section.QueryParameterName ?? options.QueryParameterName;
        options.FailureSummaryInterval = section.FailureSummaryInterval ?? options.FailureSummaryInterval;
        options.ClaimsIssuer = section.ClaimsIssuer ?? options.ClaimsIssuer;
        options.ForwardDefault = section.ForwardDefault ?? options.ForwardDefault;
        options.ForwardAuthenticate = section.ForwardAuthenticate ?? options.ForwardAuthenticate;
        options.ForwardChallenge = section.ForwardChallenge ?? options.ForwardChallenge;
        options.ForwardForbid = section.ForwardForbid ?? options.ForwardForbid;
        options.ForwardSignIn = section.ForwardSignIn ?? options.ForwardSignIn;
        options.ForwardSignOut = section.ForwardSignOut ?? options.ForwardSignOut;
    }
}
