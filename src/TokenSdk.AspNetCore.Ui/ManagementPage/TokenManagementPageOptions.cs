namespace TokenSdk.AspNetCore.Ui;

/// <summary>Options of the token management page mapped by <c>MapTokenManagementPage</c>.</summary>
public sealed class TokenManagementPageOptions
{
    /// <summary>The default <see cref="ApiPrefix"/>, <c>/v2</c>: the default prefix of <c>MapTokenManagement</c>.</summary>
    public const string DefaultApiPrefix = "/v2";

    /// <summary>The default <see cref="Title"/>.</summary>
    public const string DefaultTitle = "Application tokens";

    /// <summary>
    /// Gets or sets where the host mapped the token management API (<c>MapTokenManagement(prefix)</c>), relative to the
    /// application's path base. The page calls <c>{ApiPrefix}/clientIdSecrets</c> from the browser; the API must accept
    /// the page's authentication scheme (add it to <c>TokenManagementEndpointOptions.AuthenticationSchemes</c>).
    /// </summary>
    /// <value>The default value is <see cref="DefaultApiPrefix"/>.</value>
    public string ApiPrefix { get; set; } = DefaultApiPrefix;

    /// <summary>
    /// Gets the authentication schemes that identify the person using the page (typically the host's cookie scheme);
    /// an anonymous visitor is challenged with them, which for a cookie scheme redirects to the host's login page.
    /// </summary>
    /// <value>The default value is an empty list: the host's default authentication scheme.</value>
    public IList<string> AuthenticationSchemes { get; } = [];

    /// <summary>Gets or sets the page's title and main heading.</summary>
    /// <value>The default value is <see cref="DefaultTitle"/>.</value>
    public string Title { get; set; } = DefaultTitle;

    /// <summary>Checks the options; throws with a message that says what to fix.</summary>
    /// <summary>
    /// Gets or sets the host's sign-out endpoint (a path starting with <c>/</c>), which the page's "Sign out" button
    /// posts to with the antiforgery token, then reloads; <see langword="null"/> (the default) shows no such button.
    /// </summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public string? SignOutPath { get; set; }

    internal void Validate(string paramName)
    {
        if (string.IsNullOrWhiteSpace(ApiPrefix) || ApiPrefix[0] != '/' || (ApiPrefix.Length > 1 && ApiPrefix[^1] == '/')
            || ApiPrefix.AsSpan().IndexOfAny("?#{}\\ ") >= 0)
        {
            throw new ArgumentException(
                $"TokenManagementPageOptions.ApiPrefix must be the path where MapTokenManagement is mapped, starting with '/' and not ending with one (for example \"/v2\"); it is \"{ApiPrefix}\".",
                paramName);
        }

        if (AuthenticationSchemes.Any(string.IsNullOrWhiteSpace))
        {
            throw new ArgumentException(
                "TokenManagementPageOptions.AuthenticationSchemes holds an empty scheme name; name each scheme, or leave the list empty for the host's default scheme.",
                paramName);
        }

        if (SignOutPath is not null && (SignOutPath.Length < 2 || SignOutPath[0] != '/' || SignOutPath[1] == '/' || SignOutPath.AsSpan().IndexOfAny("?#\\ ") >= 0))
        {
            throw new ArgumentException(
                $"TokenManagementPageOptions.SignOutPath must be a path of this host starting with '/' (for example \"/signout\"), or null; it is \"{SignOutPath}\".",
                paramName);
        }

        if (string.IsNullOrWhiteSpace(Title) || Title.Length > 100 || Title.Any(char.IsControl))
        {
            throw new ArgumentException("TokenManagementPageOptions.Title must hold 1 to 100 characters, without control characters.", paramName);
        }
    }
}
