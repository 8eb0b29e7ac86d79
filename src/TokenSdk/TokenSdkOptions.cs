using TokenSdk.Credentials;
using TokenSdk.Hashing;
using TokenSdk.Roles;

namespace TokenSdk;

/// <summary>
/// Options of TokenSdk: token format, organization, hashing and custom roles. Bindable from configuration
/// (for example a <c>"TokenSdk"</c> section); validated when the host starts.
/// </summary>
public sealed class TokenSdkOptions
{
    /// <summary>The default organization id, <c>default</c>.</summary>
    public const string DefaultOrganization = "default";

    /// <summary>Gets or sets the organization of tokens generated without one.</summary>
    /// <value>The default value is <c>default</c>.</value>
    public string DefaultOrganizationId { get; set; } = DefaultOrganization;

    /// <summary>Gets or sets the format of newly generated tokens. Verification accepts every format regardless.</summary>
    /// <value>The default value is <see cref="TokenFormatKind.Checksummed"/>.</value>
    public TokenFormatKind GenerationFormat { get; set; } = TokenFormatKind.Checksummed;

    /// <summary>
    /// Gets or sets the prefix of checksummed tokens: 2 to 16 lowercase ASCII letters or digits, starting with a
    /// letter. Pick one that names your product, so secret scanners can attribute leaked tokens.
    /// </summary>
    /// <value>The default value is <c>tsdk</c>.</value>
    public string TokenPrefix { get; set; } = ChecksummedTokenFormat.DefaultPrefix;

    /// <summary>Gets earlier prefixes that checksummed tokens may still carry, so a prefix change invalidates no token.</summary>
    public IList<string> AdditionalTokenPrefixes { get; } = [];

    /// <summary>Gets the policy of token management: expiry, lock-out guard, rotation limits.</summary>
    public Management.TokenManagementOptions Management { get; } = new();

    /// <summary>Gets the options of the stored verifier (algorithm, peppers).</summary>
    public HashingOptions Hashing { get; } = new();

    /// <summary>Gets how last-used times are tracked (configuration section <c>TokenSdk:Usage</c>).</summary>
    public Usage.TokenUsageOptions Usage { get; } = new();

    /// <summary>Gets the custom roles offered beside the <see cref="DefaultRoles"/>.</summary>
    /// <remarks>
    /// At start, each must be well formed, name only known permissions, and use an id and a name that no other
    /// role uses (default roles included); otherwise the host fails to start with a message naming the problem.
    /// </remarks>
    public IList<CustomRoleOptions> CustomRoles { get; } = [];

    /// <summary>Gets permission names the host defines in addition to <see cref="Permissions.All"/> (for its own APIs).</summary>
    public IList<string> CustomPermissions { get; } = [];
}
