namespace TokenSdk;

/// <summary>The shape shared by role ids and organization ids.</summary>
internal static class Identifiers
{
    public const string Rule = "1 to 64 ASCII letters, digits, '-', '_' or '.', starting with a letter or digit";

    public static bool IsValid(string? id)
    {
        if (string.IsNullOrEmpty(id) || id.Length > 64 || !char.IsAsciiLetterOrDigit(id[0]))
        {
            return false;
        }

        foreach (char c in id)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('-' or '_' or '.'))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Returns whether <paramref name="name"/> is a valid role display name: 1 to 100 characters, no control characters or surrounding whitespace.</summary>
    public static bool IsValidRoleName(string? name)
    {
        if (string.IsNullOrEmpty(name) || name.Length > 100 || char.IsWhiteSpace(name[0]) || char.IsWhiteSpace(name[^1]))
        {
            return false;
        }

        foreach (char c in name)
        {
            if (char.IsControl(c))
            {
                return false;
            }
        }

        return true;
    }
}
