using Npgsql;
using NpgsqlTypes;
using TokenSdk.Hashing;
using TokenSdk.Storage;

namespace TokenSdk.PostgreSql;

/// <summary>Maps a <see cref="StoredToken"/> to the parameters of a <c>tokens</c> row and back.</summary>
internal static class TokenRows
{
    /// <summary>Adds the parameters of <see cref="StoreSql.Add"/>.</summary>
    public static void AddParameters(NpgsqlParameterCollection parameters, StoredToken token)
    {
        parameters.AddWithValue("client_id", token.ClientId);
        parameters.AddWithValue("organization_id", token.OrganizationId);
        parameters.AddWithValue("role_id", token.RoleId);
        parameters.AddWithValue("verifier", token.Verifier.Encode());
        parameters.AddWithValue("created_at", NpgsqlDbType.TimestampTz, token.CreatedAt.ToUniversalTime());
        parameters.AddWithValue("created_offset_minutes", (short)token.CreatedAt.Offset.TotalMinutes);
        parameters.AddWithValue("created_by", NpgsqlDbType.Text, (object?)token.CreatedBy ?? DBNull.Value);
        parameters.AddWithValue("description", NpgsqlDbType.Text, (object?)token.Description ?? DBNull.Value);
        parameters.AddWithValue("expires_at", NpgsqlDbType.TimestampTz, token.ExpiresAt is { } expiry ? expiry.ToUniversalTime() : DBNull.Value);
    }

    /// <summary>PostgreSQL keeps times to the microsecond; .NET to 100 nanoseconds.</summary>
    public static readonly TimeSpan TimePrecision = TimeSpan.FromMicroseconds(1);

    /// <summary>A time as the database keeps it: truncated to the microsecond.</summary>
    public static DateTimeOffset Truncate(DateTimeOffset time) => new(time.Ticks - (time.UtcTicks % TimePrecision.Ticks), time.Offset);

    /// <summary>
    /// The record as the database keeps it (times to the microsecond), so that the node that wrote it holds exactly
    /// what every other node reads back.
    /// </summary>
    public static StoredToken AsStored(StoredToken token)
    {
        if (token.CreatedAt.UtcTicks % TimePrecision.Ticks == 0 && (token.ExpiresAt is null || token.ExpiresAt.Value.UtcTicks % TimePrecision.Ticks == 0))
        {
            return token;
        }

        var stored = new StoredToken(token.ClientId, token.OrganizationId, token.RoleId, token.Verifier, Truncate(token.CreatedAt))
        {
            CreatedBy = token.CreatedBy,
            Description = token.Description,
        };
        return token.ExpiresAt is { } expiry ? stored.WithExpiresAt(Truncate(expiry)) : stored;
    }

    /// <summary>Reads the <see cref="StoreSql.TokenColumns"/> starting at <paramref name="first"/>.</summary>
    /// <param name="reader">The reader, on a row.</param>
    /// <param name="first">The ordinal of <c>client_id</c>.</param>
    /// <param name="deleted">Whether the row is a tombstone.</param>
    /// <exception cref="TokenStoreException">The row holds a value no TokenSdk wrote.</exception>
    public static StoredToken Read(NpgsqlDataReader reader, int first, out bool deleted)
    {
        string clientId = reader.GetString(first);
        try
        {
            // Column by column in order: the load streams rows with CommandBehavior.SequentialAccess.
            string organizationId = reader.GetString(first + 1);
            string roleId = reader.GetString(first + 2);
            StoredVerifier verifier = StoredVerifier.Parse(reader.GetString(first + 3));
            DateTimeOffset createdAtUtc = reader.GetFieldValue<DateTimeOffset>(first + 4);
            var offset = TimeSpan.FromMinutes(reader.GetInt16(first + 5));
            string? createdBy = reader.IsDBNull(first + 6) ? null : reader.GetString(first + 6);
            string? description = reader.IsDBNull(first + 7) ? null : reader.GetString(first + 7);
            DateTimeOffset? expiresAt = reader.IsDBNull(first + 8) ? null : reader.GetFieldValue<DateTimeOffset>(first + 8);
            deleted = !reader.IsDBNull(first + 9);
            var token = new StoredToken(clientId, organizationId, roleId, verifier, createdAtUtc.ToOffset(offset))
            {
                CreatedBy = createdBy,
                Description = description,
            };
            return expiresAt is null ? token : token.WithExpiresAt(expiresAt);
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException or InvalidCastException)
        {
            throw new TokenStoreException($"The token row of client id '{(Credentials.TokenMask.MaskToken(clientId))}' holds a value TokenSdk cannot read: {ex.Message}", ex);
        }
    }
}
