using System.Globalization;
using System.Text.Json;

namespace TokenSdk.Management;

/// <summary>
/// The token list in the JSON shape of the Astra DevOps API (<c>GET /v2/clientIdSecrets</c>), written in one place for
/// every front end (the HTTP API, the CLI), so they agree field by field:
/// <c>{"clients":[{"clientId","roles":[roleId, ...],"generatedOn","description","tokenExpiry","lastUsed"}]}</c>, with
/// <c>description</c> <c>""</c> when none, <c>tokenExpiry</c> and <c>lastUsed</c> (TokenSdk's own field, which Astra
/// clients ignore) ISO-8601 instants or <c>null</c>.
/// </summary>
public static class AstraTokenJson
{
    /// <summary>Formats an instant as the Astra API (and <see cref="Credentials.GeneratedToken.ToJson"/>) does: UTC, milliseconds, <c>Z</c>.</summary>
    /// <param name="instant">The instant.</param>
    /// <returns>For example <c>2026-11-28T04:23:39.641Z</c>.</returns>
    public static string FormatInstant(DateTimeOffset instant) =>
        instant.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    /// <summary>Writes <c>{"clients":[...]}</c> for <paramref name="tokens"/>. Never a secret: a <see cref="TokenInfo"/> holds none.</summary>
    /// <param name="writer">The writer (its options decide indentation and escaping).</param>
    /// <param name="tokens">The tokens, in the order to list them.</param>
    public static void WriteTokenList(Utf8JsonWriter writer, IEnumerable<TokenInfo> tokens)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(tokens);
        writer.WriteStartObject();
        writer.WriteStartArray("clients");
        foreach (TokenInfo token in tokens)
        {
            writer.WriteStartObject();
            writer.WriteString("clientId", token.ClientId);
            writer.WriteStartArray("roles");
            foreach (string roleId in token.RoleIds)
            {
                writer.WriteStringValue(roleId);
            }

            writer.WriteEndArray();
            writer.WriteString("generatedOn", FormatInstant(token.GeneratedOn));
            writer.WriteString("description", token.Description ?? "");
            if (token.ExpiresAt is { } expiry)
            {
                writer.WriteString("tokenExpiry", FormatInstant(expiry));
            }
            else
            {
                writer.WriteNull("tokenExpiry");
            }

            // TokenSdk's own field, which Astra clients ignore: when the token was last used, or null.
            if (token.LastUsedAt is { } lastUsed)
            {
                writer.WriteString("lastUsed", FormatInstant(lastUsed));
            }
            else
            {
                writer.WriteNull("lastUsed");
            }

            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }
}
