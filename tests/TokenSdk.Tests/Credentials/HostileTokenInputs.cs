using System.Text;

namespace TokenSdk.Tests.Credentials;

/// <summary>Inputs no token parser may accept, derived from a valid token so they come close to it.</summary>
internal static class HostileTokenInputs
{
    // Non-ASCII look-alikes and troublemakers: accented letter, full-width letter and digit, Arabic-Indic digit
    // (char.IsDigit), Kelvin sign and long s (case-fold to ASCII), lone surrogates, NUL, no-break space.
    private static readonly string[] s_nonAscii =
        ["é", "\uFF21", "\uFF41", "\uFF10", "\u0663", "\u212A", "\u017F", "\uD800", "\uDC00", "\0", "\u00A0"];

    private const string Emoji = "\U0001F600";

    /// <summary>Hostile inputs near <paramref name="validToken"/>.</summary>
    /// <param name="validToken">A valid token.</param>
    /// <param name="checksummed">
    /// Whether the format has a checksum: only then are random tokens of the right shape (random client id and hex)
    /// invalid, and included.
    /// </param>
    public static IEnumerable<string> Around(string validToken, bool checksummed)
    {
        yield return "";
        yield return " ";
        yield return "\t\r\n";
        yield return new string(' ', validToken.Length);
        yield return new string('\0', validToken.Length);
        yield return " " + validToken;
        yield return validToken + " ";
        yield return validToken + "\n";
        yield return validToken + "\0";
        yield return validToken[..^1];
        yield return validToken[1..];
        yield return validToken + validToken;
        yield return validToken.ToUpperInvariant();
        yield return new string('a', 1 << 20);
        yield return validToken + new string('a', 1 << 20);
        yield return string.Concat(Enumerable.Repeat(validToken, (1 << 20) / validToken.Length));

        foreach (string replacement in s_nonAscii)
        {
            for (int i = 0; i < validToken.Length; i++)
            {
                yield return string.Concat(validToken.AsSpan(0, i), replacement, validToken.AsSpan(i + 1));
            }
        }

        // The same character with high bits set: narrowed to a byte it would be the original (and so checksum the same).
        foreach (int highBits in new[] { 0x0100, 0x7F00, 0x8000, 0xFF00 })
        {
            for (int i = 0; i < validToken.Length; i++)
            {
                yield return string.Concat(validToken.AsSpan(0, i), ((char)(validToken[i] | highBits)).ToString(), validToken.AsSpan(i + 1));
            }
        }

        for (int i = 0; i < validToken.Length - 1; i++)
        {
            // Same length (two UTF-16 units replaced), and one longer (inserted).
            yield return string.Concat(validToken.AsSpan(0, i), Emoji, validToken.AsSpan(i + 2));
            yield return string.Concat(validToken.AsSpan(0, i), Emoji, validToken.AsSpan(i + 1));
        }

        // Random strings: printable ASCII of any length, token characters at the token's length, and the token's
        // own separators with random content between them. A fixed seed keeps the inputs reproducible.
        var random = new Random(97);
        const string printable = " !\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~";
        const string tokenCharacters = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_:";
        const string lowerHex = "0123456789abcdef";
        const string letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
        int firstSeparator = validToken.IndexOfAny(['_', ':']);
        int lastSeparator = validToken.LastIndexOfAny(['_', ':']);
        for (int i = 0; i < 300; i++)
        {
            yield return RandomString(random, printable, random.Next(0, 200));
            yield return RandomString(random, tokenCharacters, validToken.Length);
            char[] shaped = validToken.ToCharArray();
            for (int j = 0; j < shaped.Length; j++)
            {
                if (j > lastSeparator)
                {
                    shaped[j] = lowerHex[random.Next(lowerHex.Length)];
                }
                else if (j > firstSeparator && char.IsAsciiLetter(shaped[j]))
                {
                    shaped[j] = letters[random.Next(letters.Length)];
                }
            }

            string shapedToken = new(shaped);
            if (checksummed && shapedToken != validToken)
            {
                yield return shapedToken;
            }
        }
    }

    /// <summary>Parses a token's text into T; the shape of each path of a parser under test.</summary>
    public delegate bool ParseInto(string input, byte[] tokenHash);

    /// <summary>
    /// Runs two paths of one parser on every input: returns the inputs both accepted, and a description of each
    /// input where they differ (in the result, or in T when both accepted).
    /// </summary>
    public static (List<string> Accepted, List<string> Disagreements) Compare(IEnumerable<string> inputs, ParseInto expected, ParseInto actual)
    {
        List<string> accepted = [];
        List<string> disagreements = [];
        foreach (string input in inputs)
        {
            byte[] expectedHash = new byte[32];
            byte[] actualHash = new byte[32];
            bool expectedResult = expected(input, expectedHash);
            bool actualResult = actual(input, actualHash);
            if (expectedResult != actualResult || (expectedResult && !expectedHash.AsSpan().SequenceEqual(actualHash)))
            {
                disagreements.Add($"{Describe(input)}: expected {expectedResult}, actual {actualResult}");
            }
            else if (expectedResult)
            {
                accepted.Add(input);
            }
        }

        return (accepted, disagreements);
    }

    /// <summary>Runs <paramref name="accepts"/> on every input and returns a description of those it accepted.</summary>
    public static List<string> FindAccepted(IEnumerable<string> inputs, Func<string, bool> accepts)
    {
        List<string> accepted = [];
        int count = 0;
        foreach (string input in inputs)
        {
            count++;
            if (accepts(input))
            {
                accepted.Add(Describe(input));
            }
        }

        // Guard against a generator that silently yields nothing.
        return count > 1000 ? accepted : [$"only {count} inputs were generated"];
    }

    private static string RandomString(Random random, string alphabet, int length)
    {
        char[] chars = new char[length];
        for (int i = 0; i < length; i++)
        {
            chars[i] = alphabet[random.Next(alphabet.Length)];
        }

        return new string(chars);
    }

    private static string Describe(string input)
    {
        var text = new StringBuilder();
        foreach (char c in input.AsSpan(0, Math.Min(input.Length, 140)))
        {
            text.Append(char.IsAscii(c) && !char.IsControl(c) ? c.ToString() : $"\\u{(int)c:X4}");
        }

        return $"{text} (length {input.Length})";
    }
}
