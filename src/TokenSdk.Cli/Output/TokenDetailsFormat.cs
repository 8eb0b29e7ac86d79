using System.Globalization;
using TokenSdk.Credentials;

namespace TokenSdk.Cli.Output;

/// <summary>The layouts of a new token's details (<c>tokens create</c>, <c>tokens rotate</c>).</summary>
internal enum TokenDetailsFormat
{
    /// <summary>Labelled lines for a person.</summary>
    Text,

    /// <summary>The fields of the Astra creation response: clientId, secret, orgId, roles, token, generatedOn.</summary>
    Json,

    /// <summary>The portal's GeneratedToken.csv: header <c>Client Id,Client Secret,Role,Token</c> and one row.</summary>
    Csv,
}

/// <summary>Renders <see cref="GeneratedToken"/>: the one time a secret is shown.</summary>
internal static class TokenDetailsWriter
{
    /// <summary>The accepted values of <c>--output</c> for details.</summary>
    public static readonly string[] Names = ["text", "json", "csv"];

    /// <summary>Parses an <c>--output</c> value (already checked against <see cref="Names"/> by the parser).</summary>
    /// <param name="name">The value.</param>
    public static TokenDetailsFormat Parse(string name) => name switch
    {
        "json" => TokenDetailsFormat.Json,
        "csv" => TokenDetailsFormat.Csv,
        _ => TokenDetailsFormat.Text,
    };

    /// <summary>The layout for a file when <c>--output</c> is not given: by extension, CSV unless .json or .txt.</summary>
    /// <param name="path">The file path.</param>
    public static TokenDetailsFormat ForFile(string path) => Path.GetExtension(path).ToUpperInvariant() switch
    {
        ".JSON" => TokenDetailsFormat.Json,
        ".TXT" => TokenDetailsFormat.Text,
        _ => TokenDetailsFormat.Csv,
    };

    /// <summary>Renders the details.</summary>
    /// <param name="details">The new token.</param>
    /// <param name="format">The layout.</param>
    /// <param name="terminal">The terminal that colours the text layout; <see langword="null"/> for plain text (a file).</param>
    /// <returns>The text, ending with a line break.</returns>
    public static string Render(GeneratedToken details, TokenDetailsFormat format, Terminal? terminal)
    {
        switch (format)
        {
            case TokenDetailsFormat.Json:
                return details.ToJson(indented: true) + Environment.NewLine;
            case TokenDetailsFormat.Csv:
                return details.ToCsv();
            default:
                string heading = "Token details. They are shown only now: store them securely.";
                var lines = new List<string>
                {
                    terminal?.Warning(heading) ?? heading,
                    $"Client Id:     {details.ClientId}",
                    $"Client Secret: {details.Secret}",
                    $"Token:         {details.Token}",
                    $"{RoleText.Label(details.RoleIds.Count) + ":",-15}{RoleText.NamesAndIds(details)}",
                    $"Organization:  {details.OrganizationId}",
                    $"Generated on:  {Json.Time(details.GeneratedOn)}",
                };
                if (details.Description is { Length: > 0 } description)
                {
                    lines.Add($"Description:   {description}");
                }

                if (details.ExpiresAt is { } expiresAt)
                {
                    lines.Add(string.Create(CultureInfo.InvariantCulture, $"Expires at:    {Json.Time(expiresAt)}"));
                }

                return string.Join(Environment.NewLine, lines) + Environment.NewLine;
        }
    }
}
