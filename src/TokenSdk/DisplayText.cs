namespace TokenSdk;

/// <summary>Rules for free text that is stored and later shown to people (descriptions, creator names).</summary>
internal static class DisplayText
{
    /// <summary>
    /// Returns whether <paramref name="text"/> is safe to show: no control characters, no line or paragraph
    /// separators, no bidirectional overrides (which can make a listing lie about what it shows), and no lone
    /// surrogates. Emoji and other well-formed characters are fine.
    /// </summary>
    public static bool IsSafe(string text)
    {
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
                continue;
            }

            if (char.IsSurrogate(c) || char.IsControl(c) || IsSeparatorOrBidiControl(c))
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsSeparatorOrBidiControl(char c) =>
        c is '\u2028' or '\u2029' or '\u061C' or '\u200E' or '\u200F'
            or (>= '\u202A' and <= '\u202E') or (>= '\u2066' and <= '\u2069');
}
