using TokenSdk.Credentials;
using TokenSdk.Management;
using TokenSdk.Roles;

namespace TokenSdk.Cli.Output;

/// <summary>How the text outputs show a token's roles: every one, in the token's order, joined with <c>", "</c>.</summary>
internal static class RoleText
{
    /// <summary>The separator between roles: <c>", "</c>, as in <see cref="GeneratedToken.RoleName"/> and the CSV's Role column.</summary>
    public const string Separator = GeneratedToken.RoleNameSeparator;

    /// <summary>The label for <paramref name="count"/> roles: <c>Role</c> for one, <c>Roles</c> for several.</summary>
    /// <param name="count">The number of roles.</param>
    public static string Label(int count) => count == 1 ? "Role" : "Roles";

    /// <summary>The names of an existing token's roles; the id of a role that is no longer in the catalog.</summary>
    /// <param name="token">The token.</param>
    /// <returns>For example <c>Database Administrator, Billing Administrator</c>.</returns>
    public static string Names(TokenInfo token)
    {
        var names = new string[token.RoleIds.Count];
        for (int i = 0; i < names.Length; i++)
        {
            names[i] = token.RoleNames[i] ?? token.RoleIds[i];
        }

        return string.Join(Separator, names);
    }

    /// <summary>The names and ids of a new token's roles.</summary>
    /// <param name="details">The new token.</param>
    /// <returns>For example <c>Database Administrator (database-administrator), Billing Administrator (billing-administrator)</c>.</returns>
    public static string NamesAndIds(GeneratedToken details)
    {
        var roles = new string[details.RoleIds.Count];
        for (int i = 0; i < roles.Length; i++)
        {
            roles[i] = $"{details.RoleNames[i]} ({details.RoleIds[i]})";
        }

        return string.Join(Separator, roles);
    }

    /// <summary>The names and ids of a verified token's roles.</summary>
    /// <param name="roles">The roles.</param>
    /// <returns>For example <c>Read Only User (read-only-user)</c>.</returns>
    public static string NamesAndIds(IReadOnlyList<Role> roles) => string.Join(Separator, roles.Select(r => $"{r.Name} ({r.Id})"));
}
