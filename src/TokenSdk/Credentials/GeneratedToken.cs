using System.Text;
using System.Text.Json;

namespace TokenSdk.Credentials;

/// <summary>
/// The details of a newly generated token: client id, secret and token. They exist only here: the store keeps a
/// one-way verifier, so show or export them now (<see cref="ToCsv"/>, <see cref="ToJson"/>); they cannot be read again.
/// </summary>
/// <remarks><see cref="ToString"/> shows a masked token and no secret, so logging this object leaks nothing.</remarks>
public sealed class GeneratedToken
{
    /// <summary>The file name the portal uses for the CSV download.</summary>
    public const string CsvFileName = "GeneratedToken.csv";

    internal GeneratedToken(
        string clientId,
        string secret,
        string token,
        string[] roleIds,
        string[] roleNames,
        string organizationId,
        DateTimeOffset generatedOn,
        string? description,
        DateTimeOffset? expiresAt,
        TokenFormatKind format)
    {
        ClientId = clientId;
        Secret = secret;
        Token = token;
        RoleIds = Array.AsReadOnly(roleIds);
        RoleNames = Array.AsReadOnly(roleNames);
        RoleId = string.Join(Storage.TokenRoleIds.Separator, roleIds);
        RoleName = string.Join(RoleNameSeparator, roleNames);
        OrganizationId = organizationId;
        GeneratedOn = generatedOn;
        Description = description;
        ExpiresAt = expiresAt;
        Format = format;
    }

    /// <summary>Gets the client id (24 ASCII letters); public, and the key tokens are listed and deleted by.</summary>
    public string ClientId { get; }

    /// <summary>Gets the secret, for clients that authenticate with a client id and secret pair (CQL drivers). Shown once.</summary>
    public string Secret { get; }

    /// <summary>Gets the token string, for <c>Authorization: Bearer</c> and similar. Shown once.</summary>
    public string Token { get; }

    /// <summary>The separator between role names in <see cref="RoleName"/> and the CSV's Role column: <c>", "</c>.</summary>
    public const string RoleNameSeparator = ", ";

    /// <summary>Gets the id of the token's role; for a token of several roles, their ids joined with <c>,</c> (see <see cref="RoleIds"/>).</summary>
    public string RoleId { get; }

    /// <summary>Gets the ids of the token's roles, in order.</summary>
    public IReadOnlyList<string> RoleIds { get; }

    /// <summary>
    /// Gets the display name of the token's role; for a token of several roles, their names joined with
    /// <see cref="RoleNameSeparator"/> (see <see cref="RoleNames"/>).
    /// </summary>
    public string RoleName { get; }

    /// <summary>Gets the display names of the token's roles, in the order of <see cref="RoleIds"/>.</summary>
    public IReadOnlyList<string> RoleNames { get; }

    /// <summary>Gets the id of the organization the token belongs to.</summary>
    public string OrganizationId { get; }

    /// <summary>Gets when the token was generated.</summary>
    public DateTimeOffset GeneratedOn { get; }

    /// <summary>Gets the description given at generation, if any.</summary>
    public string? Description { get; }

    /// <summary>Gets when the token expires; <see langword="null"/> (the default) means never.</summary>
    public DateTimeOffset? ExpiresAt { get; }

    /// <summary>Gets the format of <see cref="Token"/>.</summary>
    public TokenFormatKind Format { get; }

    /// <summary>
    /// Returns the details in the <c>GeneratedToken.csv</c> layout: a header row, then one row with every field
    /// quoted (<c>"</c> doubled inside), in the order Client Id, Client Secret, Role, Token. Lines end with CRLF (RFC 4180).
    /// The Role column holds <see cref="RoleName"/>: a token of several roles has their names joined with
    /// <see cref="RoleNameSeparator"/> there; <see cref="ToJson"/> lists their ids.
    /// </summary>
    /// <returns>The CSV text, holding the secret: write it only where the user asked.</returns>
    public string ToCsv()
    {
        var csv = new StringBuilder(256);
        csv.Append("Client Id,Client Secret,Role,Token\r\n");
        AppendQuoted(csv, ClientId).Append(',');
        AppendQuoted(csv, Secret).Append(',');
        AppendQuoted(csv, RoleName).Append(',');
        AppendQuoted(csv, Token).Append("\r\n");
        return csv.ToString();
    }

    /// <summary>
    /// Returns the details as JSON with the fields of the Astra creation response:
    /// <c>{"clientId","secret","orgId","roles":[roleId, ...],"token","generatedOn"}</c>; <c>generatedOn</c> is ISO 8601 UTC.
    /// </summary>
    /// <param name="indented">Whether to indent the output.</param>
    /// <returns>The JSON text, holding the secret: write it only where the user asked.</returns>
    public string ToJson(bool indented = false)
    {
        using var buffer = new MemoryStream(512);
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = indented }))
        {
            json.WriteStartObject();
            json.WriteString("clientId", ClientId);
            json.WriteString("secret", Secret);
            json.WriteString("orgId", OrganizationId);
            json.WriteStartArray("roles");
            foreach (string roleId in RoleIds)
            {
                json.WriteStringValue(roleId);
            }

            json.WriteEndArray();
            json.WriteString("token", Token);
            json.WriteString("generatedOn", Management.AstraTokenJson.FormatInstant(GeneratedOn));
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    /// <summary>
    /// Saves <see cref="ToCsv"/> to a new file that only the current user can read (mode 0600 on Unix), the way the
    /// portal's "Download token details" saves <see cref="CsvFileName"/>. Never overwrites a file.
    /// </summary>
    /// <param name="path">The new file, for example <see cref="CsvFileName"/>.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>A task that completes when the file is written.</returns>
    /// <exception cref="IOException">The file exists already, or cannot be written.</exception>
    public Task SaveCsvAsync(string path, CancellationToken cancellationToken = default) => SaveAsync(path, ToCsv(), cancellationToken);

    /// <summary>Saves <see cref="ToJson"/> (indented) to a new file that only the current user can read (mode 0600 on Unix). Never overwrites a file.</summary>
    /// <param name="path">The new file.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>A task that completes when the file is written.</returns>
    /// <exception cref="IOException">The file exists already, or cannot be written.</exception>
    public Task SaveJsonAsync(string path, CancellationToken cancellationToken = default) => SaveAsync(path, ToJson(indented: true) + "\n", cancellationToken);

    /// <summary>Returns a masked description: the client id, role and a masked token; never the secret.</summary>
    /// <returns>The masked description.</returns>
    public override string ToString() =>
        $"GeneratedToken {{ ClientId = {ClientId}, Role = {RoleName}, Organization = {OrganizationId}, Token = {TokenMask.MaskToken(Token)}, Secret = {TokenMask.Mask} }}";

    private static async Task SaveAsync(string path, string content, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        // UTF-8 without a byte order mark: the file is read by scripts and spreadsheets alike.
        byte[] bytes = Encoding.UTF8.GetBytes(content);
        await using var file = new FileStream(path, options);
        await file.WriteAsync(bytes, cancellationToken).ConfigureAwait(false);
    }

    private static StringBuilder AppendQuoted(StringBuilder csv, string value) =>
        csv.Append('"').Append(value.Replace("\"", "\"\"", StringComparison.Ordinal)).Append('"');
}
