namespace TokenSdk.Storage;

/// <summary>
/// The stored form of a token's roles: one role id, or several joined with <see cref="Separator"/> in the order they
/// were given (<c>database-administrator,billing-administrator</c>). Role ids never contain the separator
/// (<see cref="Identifiers.Rule"/>), so the form is unambiguous, and a store persists it as the one string it has always
/// kept for the role: no store format changes. A release that predates tokens of several roles reads such a string as
/// the id of a role it does not know, so those tokens fail verification there rather than gaining or losing a role.
/// </summary>
internal static class TokenRoleIds
{
    /// <summary>The separator between role ids.</summary>
    public const char Separator = ',';

    /// <summary>The most roles one token may hold.</summary>
    public const int MaxRoles = 16;

    /// <summary>Joins role ids into the stored form; the error says what is wrong with them.</summary>
    public static bool TryJoin(IEnumerable<string> roleIds, out string joined, out string? error)
    {
        ArgumentNullException.ThrowIfNull(roleIds);
        var ids = new List<string>();
        foreach (string? id in roleIds)
        {
            if (string.IsNullOrEmpty(id))
            {
                return Fail("A role id is null or empty.", out joined, out error);
            }

            if (id.Contains(Separator, StringComparison.Ordinal))
            {
                return Fail($"A role id cannot contain '{Separator}'.", out joined, out error);
            }

            if (ids.Exists(other => string.Equals(other, id, StringComparison.OrdinalIgnoreCase)))
            {
                return Fail($"The role '{id}' is given twice.", out joined, out error);
            }

            ids.Add(id);
        }

        if (ids.Count is 0 or > MaxRoles)
        {
            return Fail($"A token holds 1 to {MaxRoles} roles; {ids.Count} were given.", out joined, out error);
        }

        joined = string.Join(Separator, ids);
        error = null;
        return true;
    }

    /// <summary>Returns whether <paramref name="stored"/> is a well-formed stored form (one or more distinct, non-empty ids).</summary>
    public static bool IsValid(string? stored) =>
        !string.IsNullOrEmpty(stored) && TryJoin(stored.Split(Separator), out _, out _);

    /// <summary>Splits the stored form into its role ids.</summary>
    public static string[] Split(string stored) =>
        stored.Contains(Separator, StringComparison.Ordinal) ? stored.Split(Separator) : [stored];

    /// <summary>Returns whether the stored form names <paramref name="roleId"/> (case-insensitive).</summary>
    public static bool Contains(string stored, string roleId)
    {
        foreach (Range range in stored.AsSpan().Split(Separator))
        {
            if (stored.AsSpan(range).Equals(roleId, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    private static bool Fail(string message, out string joined, out string? error)
    {
        joined = string.Empty;
        error = message;
        return false;
    }
}
