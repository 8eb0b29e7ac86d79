using System.Text.RegularExpressions;
using TokenSdk.Credentials;

namespace TokenSdk.Cli.Output;

/// <summary>
/// Masks whatever in a message looks like a token or a secret, so an error never repeats a credential typed into
/// the wrong place (an argument, an option value). <see cref="ErrorOutput"/> applies it to everything it writes.
/// </summary>
/// <remarks>
/// Recognised, whole or with a typo (a near-token still holds most of the secret):
/// <list type="bullet">
/// <item><c>AstraCS:</c> followed by anything token-shaped;</item>
/// <item>a checksummed token, <c>&lt;prefix&gt;_</c> (2 to 16 lowercase letters or digits) followed by at least 24
/// letters, digits or <c>_</c> including a digit;</item>
/// <item>any run of 32 or more ASCII letters and digits: the hex of T (64), a client secret (44), a token that lost
/// its separators. Client ids (24 letters) and ordinary words stay readable.</item>
/// </list>
/// Tokens keep the masked form <see cref="TokenMask.MaskToken"/> gives them (<c>tsdk_IFmJ****3b1c</c>, or
/// <c>tsdk_****</c> for a near-token); other runs become <see cref="TokenMask.Mask"/>.
/// </remarks>
internal static partial class SecretMasker
{
    /// <summary>Returns <paramref name="text"/> with every token-like or secret-like part masked.</summary>
    /// <param name="text">The text.</param>
    /// <returns>The masked text; <paramref name="text"/> itself when nothing looks like a credential.</returns>
    public static string Mask(string text) => Mask(text, []);

    /// <summary>
    /// Returns <paramref name="text"/> with every token-like or secret-like part masked, except where it lies inside
    /// one of <paramref name="known"/>: values known not to be secrets (a database's name, which may well be
    /// <c>tokensdk_test_</c> and a GUID).
    /// </summary>
    /// <param name="text">The text.</param>
    /// <param name="known">Values to leave readable wherever they occur whole in <paramref name="text"/>.</param>
    /// <returns>The masked text; <paramref name="text"/> itself when nothing looks like a credential.</returns>
    public static string Mask(string text, IReadOnlyCollection<string> known)
    {
        ArgumentNullException.ThrowIfNull(known);
        return string.IsNullOrEmpty(text) ? text : TokenLike().Replace(text, match =>
            IsInsideKnown(text, match, known) ? match.Value
            : match.Groups["run"].Success ? TokenMask.MaskSecret(match.Value)
            : TokenMask.MaskToken(match.Value));
    }

    private static bool IsInsideKnown(string text, Match match, IReadOnlyCollection<string> known)
    {
        foreach (string value in known)
        {
            // An occurrence of the known value that covers the whole match: the match is (part of) that value.
            int earliest = Math.Max(0, match.Index + match.Length - value.Length);
            for (int at = text.IndexOf(value, earliest, StringComparison.Ordinal); at >= 0 && at <= match.Index; at = text.IndexOf(value, at + 1, StringComparison.Ordinal))
            {
                if (at + value.Length >= match.Index + match.Length)
                {
                    return true;
                }
            }
        }

        return false;
    }

    // One pass, leftmost match first: a token is taken whole before its hex part could be taken as a run.
    // The checksummed alternative needs a digit in its tail so that snake_case words and paths stay readable.
    [GeneratedRegex(
        """
        (?i:AstraCS):[A-Za-z0-9:]+
        | (?<![A-Za-z0-9_])[a-z0-9]{2,16}_(?=[A-Za-z_]*[0-9])[A-Za-z0-9_]{24,}
        | (?<![A-Za-z0-9])(?<run>[A-Za-z0-9]{32,})(?![A-Za-z0-9])
        """,
        RegexOptions.IgnorePatternWhitespace | RegexOptions.CultureInvariant | RegexOptions.ExplicitCapture)]
    private static partial Regex TokenLike();
}
