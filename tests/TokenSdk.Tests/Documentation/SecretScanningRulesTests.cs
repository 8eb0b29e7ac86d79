using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.RegularExpressions;
using TokenSdk.Credentials;

namespace TokenSdk.Tests.Documentation;

/// <summary>
/// The secret-scanning rules shipped in docs/secret-scanning (secretlint, gitleaks, GitHub custom patterns) never drift
/// from the token formats: their regexes, read from the files and run with .NET's Regex, find every generated token of
/// their format whole, in the contexts tokens appear in, and none of the near-misses; their cores are the library's
/// own patterns. (.NET's Regex reads these JavaScript and Go expressions the same way: they use only classes,
/// counts, alternation and, for JavaScript, look-around.)
/// </summary>
public sealed partial class SecretScanningRulesTests
{
    private const int Samples = 300;

    private static readonly string Folder = Path.Combine(BuiltProgram.RepositoryRoot, "docs", "secret-scanning");

    public static TheoryData<string> Rules => ["secretlint", "gitleaks", "github"];

    [Theory]
    [MemberData(nameof(Rules))]
    public void Rules_FindEveryGeneratedTokenOfTheirFormat_WholeInAnyContext(string tool)
    {
        foreach ((TokenFormatKind kind, Regex rule) in LoadRules(tool))
        {
            ITokenFormat format = Format(kind);
            ITokenFormat other = Format(kind == TokenFormatKind.Astra ? TokenFormatKind.Checksummed : TokenFormatKind.Astra);
            for (int i = 0; i < Samples; i++)
            {
                string token = NewToken(format);
                foreach (string text in Contexts(token))
                {
                    Assert.True(Secret(rule, text) == token, $"{tool} {kind}: not found whole in '{text}'");
                }

                Assert.Null(Secret(rule, NewToken(other)));
            }
        }
    }

    [Theory]
    [MemberData(nameof(Rules))]
    public void Rules_IgnoreNearMisses(string tool)
    {
        foreach ((TokenFormatKind kind, Regex rule) in LoadRules(tool))
        {
            for (int i = 0; i < 20; i++)
            {
                foreach ((string name, string nearMiss) in NearMisses(NewToken(Format(kind))))
                {
                    foreach (string text in new[] { nearMiss, "x=" + nearMiss + "\n", "\"" + nearMiss + "\"" })
                    {
                        Assert.True(Secret(rule, text) is null, $"{tool} {kind}: matched the near-miss '{name}' in '{text}'");
                    }
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(Rules))]
    public void Rules_CannotTellAWrongChecksum_OnlyTheParserCan(string tool)
    {
        (_, Regex rule) = Assert.Single(LoadRules(tool), r => r.Kind == TokenFormatKind.Checksummed);
        string token = NewToken(ChecksummedTokenFormat.Default);
        string wrong = token[..^1] + (token[^1] == '0' ? '1' : '0');

        Assert.Equal(wrong, Secret(rule, "x=" + wrong));
        Assert.False(ChecksummedTokenFormat.Default.TryParse(wrong, out _, new byte[32]));
        Assert.True(ChecksummedTokenFormat.Default.TryParse(token, out _, new byte[32]));
    }

    [Fact]
    public void RuleCores_AreTheLibrarysPatterns()
    {
        string checksummed = ChecksummedTokenFormat.Default.Pattern.Replace("^(?:tsdk)", "tsdk", StringComparison.Ordinal).TrimEnd('$');
        string astra = AstraTokenFormat.RegexPattern.Trim('^', '$');
        Assert.Equal("tsdk_[A-Za-z]{24}_[0-9a-f]{72}", checksummed);
        Assert.Equal("AstraCS:[a-zA-Z]{24}:[a-f0-9]{64}", astra);

        // The rules spell the Astra client id class [A-Za-z]: the same set.
        string astraCore = astra.Replace("[a-zA-Z]", "[A-Za-z]", StringComparison.Ordinal);
        foreach (string file in new[] { ".secretlintrc.json", "gitleaks.toml", "github-custom-patterns.md", "README.md" })
        {
            string text = File.ReadAllText(Path.Combine(Folder, file));
            Assert.Contains(checksummed, text, StringComparison.Ordinal);
            Assert.Contains(astraCore, text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Readme_StatesTheLengths()
    {
        string readme = File.ReadAllText(Path.Combine(Folder, "README.md"));

        Assert.Equal(102, NewToken(ChecksummedTokenFormat.Default).Length);
        Assert.Equal(AstraTokenFormat.TokenLength, NewToken(AstraTokenFormat.Instance).Length);
        Assert.Contains("| 102 for `tsdk` (prefix length + 98) |", readme, StringComparison.Ordinal);
        Assert.Contains($"| {AstraTokenFormat.TokenLength} |", readme, StringComparison.Ordinal);
    }

    [Fact]
    public void Gitleaks_KeywordsAndEntropy_KeepRealTokensAndDropPlaceholders()
    {
        string toml = File.ReadAllText(Path.Combine(Folder, "gitleaks.toml"));
        string[] blocks = toml.Split("[[rules]]")[1..];
        Assert.Equal(2, blocks.Length);
        foreach (string block in blocks)
        {
            ITokenFormat format = block.Contains("AstraCS:", StringComparison.Ordinal) ? AstraTokenFormat.Instance : ChecksummedTokenFormat.Default;
            double threshold = double.Parse(TomlValue(block, "entropy"), CultureInfo.InvariantCulture);
            string keyword = Assert.Single(JsonSerializer.Deserialize<string[]>(TomlValue(block, "keywords"))!);
            Assert.Equal("1", TomlValue(block, "secretGroup"));

            double lowest = double.MaxValue;
            for (int i = 0; i < 2000; i++)
            {
                string token = NewToken(format);
                Assert.Contains(keyword, token.ToLowerInvariant(), StringComparison.Ordinal);
                lowest = Math.Min(lowest, ShannonEntropy(token));
            }

            Assert.True(lowest > threshold + 0.5, $"lowest entropy of a real token {lowest:F2} is too close to the threshold {threshold}");
            string placeholder = format.Format(new string('A', 24), new byte[32]);
            Assert.True(ShannonEntropy(placeholder) < threshold, $"placeholder entropy {ShannonEntropy(placeholder):F2}");
        }
    }

    [Fact]
    public void GitHubPatterns_TestStrings_AreHighlightedAndTheChecksummedOneIsNoToken()
    {
        string markdown = File.ReadAllText(Path.Combine(Folder, "github-custom-patterns.md")).ReplaceLineEndings("\n");
        List<(string Name, Dictionary<string, string> Fields)> patterns = GitHubPatterns(markdown);
        Assert.Equal(["TokenSdk checksummed token", "TokenSdk Astra-format token"], patterns.Select(p => p.Fields["Pattern name"]));

        foreach ((string name, Dictionary<string, string> fields) in patterns)
        {
            Regex rule = GitHubRegex(fields);
            string testString = fields.First(f => f.Key.StartsWith("Test string", StringComparison.Ordinal)).Value;
            string? secret = Secret(rule, testString);
            Assert.NotNull(secret);
            bool parses = (name.Contains("Astra", StringComparison.Ordinal) ? (ITokenFormat)AstraTokenFormat.Instance : ChecksummedTokenFormat.Default)
                .TryParse(secret, out _, new byte[32]);

            // The Astra example has the shape (all the format has); the checksummed one, as the file says, a wrong checksum.
            Assert.Equal(name.Contains("Astra", StringComparison.Ordinal), parses);
        }
    }

    private static IEnumerable<string> Contexts(string token) =>
    [
        token, $"TOKENSDK_TOKEN={token}\n", $"  \"token\": \"{token}\",", $"Authorization: Bearer {token}\r\n", $"export MY_{token}",
        $"'{token}'", $"{token}:rest", $"a\n{token}\nb", $"<t>{token}</t>",
    ];

    // The near-misses docs/secret-scanning/README.md says the regexes exclude.
    private static IEnumerable<(string Name, string Text)> NearMisses(string token)
    {
        bool astra = token.StartsWith(AstraTokenFormat.Prefix, StringComparison.Ordinal);
        int prefix = astra ? 8 : 5;
        int hex = prefix + 25;
        char separator = astra ? ':' : '_';
        yield return ("one hex digit too many", token + "0");
        yield return ("one hex digit too few", token[..^1]);
        yield return ("client id one letter short", token[..prefix] + token[(prefix + 1)..]);
        yield return ("client id one letter long", token[..prefix] + "Q" + token[prefix..]);
        yield return ("wrong prefix", (astra ? "AstraCX:" : "tsdx_") + token[prefix..]);
        yield return ("prefix in the wrong case", (astra ? "astracs:" : "TSDK_") + token[prefix..]);
        yield return ("glued to a word", "my" + token);
        yield return ("wrong separator after the prefix", token[..(prefix - 1)] + "-" + token[prefix..]);
        yield return ("wrong separator after the client id", token[..(hex - 1)] + (separator == '_' ? ':' : '_') + token[hex..]);
        yield return ("non-hex character", token[..(hex + 10)] + "g" + token[(hex + 11)..]);
        yield return ("uppercase hex", token[..hex] + "ABCDEF" + token[(hex + 6)..]);
        yield return ("digit in the client id", token[..(prefix + 3)] + "7" + token[(prefix + 4)..]);
        yield return ("followed by '_'", token + "_old");
        yield return ("followed by a letter", token + "x");
    }

    // The secret the rule reports in text: the match for secretlint (look-around), group 1 for gitleaks and GitHub.
    private static string? Secret(Regex rule, string text)
    {
        Match match = rule.Match(text);
        return !match.Success ? null : match.Groups.Count > 1 ? match.Groups[1].Value : match.Value;
    }

    private static List<(TokenFormatKind Kind, Regex Rule)> LoadRules(string tool)
    {
        List<(TokenFormatKind, Regex)> rules = tool switch
        {
            "secretlint" => SecretlintRules(),
            "gitleaks" => GitleaksRules(),
            _ => [.. GitHubPatterns(File.ReadAllText(Path.Combine(Folder, "github-custom-patterns.md")).ReplaceLineEndings("\n"))
                .Select(p => (KindOf(p.Fields["Secret format"]), GitHubRegex(p.Fields)))],
        };
        Assert.Equal([TokenFormatKind.Checksummed, TokenFormatKind.Astra], rules.Select(r => r.Item1));
        return rules;
    }

    private static List<(TokenFormatKind, Regex)> SecretlintRules()
    {
        using JsonDocument json = JsonDocument.Parse(File.ReadAllText(Path.Combine(Folder, ".secretlintrc.json")));
        JsonElement rule = Assert.Single(json.RootElement.GetProperty("rules").EnumerateArray());
        Assert.Equal("@secretlint/secretlint-rule-pattern", rule.GetProperty("id").GetString());
        var rules = new List<(TokenFormatKind, Regex)>();
        foreach (JsonElement pattern in rule.GetProperty("options").GetProperty("patterns").EnumerateArray())
        {
            // "/source/flags", a RegExp-like string; the rule adds the flags u and g.
            string literal = Assert.Single(pattern.GetProperty("patterns").EnumerateArray()).GetString()!;
            Match parts = JsRegexLiteral().Match(literal);
            Assert.True(parts.Success, literal);
            Assert.Equal(string.Empty, parts.Groups["flags"].Value);
            rules.Add((KindOf(parts.Groups["source"].Value), new Regex(parts.Groups["source"].Value, RegexOptions.CultureInvariant)));
        }

        return rules;
    }

    private static List<(TokenFormatKind, Regex)> GitleaksRules()
    {
        string toml = File.ReadAllText(Path.Combine(Folder, "gitleaks.toml"));
        return [.. toml.Split("[[rules]]")[1..].Select(block =>
        {
            string regex = TomlValue(block, "regex");
            return (KindOf(regex), new Regex(regex, RegexOptions.CultureInvariant));
        })];
    }

    private static Regex GitHubRegex(Dictionary<string, string> fields) => new(
        $"(?:{fields["Before secret"]})({fields["Secret format"]})(?:{fields["After secret"]})", RegexOptions.CultureInvariant);

    // Sections "## name", each with "**Field**" followed by a ```text block holding its value.
    private static List<(string Name, Dictionary<string, string> Fields)> GitHubPatterns(string markdown) =>
        [.. markdown.Split("\n## ")[1..].Select(section => (
            section[..section.IndexOf('\n', StringComparison.Ordinal)],
            GitHubField().Matches(section).ToDictionary(m => m.Groups["field"].Value, m => m.Groups["value"].Value)))];

    private static string TomlValue(string block, string key)
    {
        Match match = Regex.Match(block, $"^{key} = (?:'''(?<v>.*)'''|(?<v>.*))$", RegexOptions.Multiline | RegexOptions.CultureInvariant);
        Assert.True(match.Success, $"no {key} in {block}");
        return match.Groups["v"].Value.Trim();
    }

    private static TokenFormatKind KindOf(string regex) =>
        regex.Contains("AstraCS:", StringComparison.Ordinal) ? TokenFormatKind.Astra : TokenFormatKind.Checksummed;

    private static ITokenFormat Format(TokenFormatKind kind) =>
        kind == TokenFormatKind.Astra ? AstraTokenFormat.Instance : ChecksummedTokenFormat.Default;

    private static string NewToken(ITokenFormat format) =>
        format.Format(CredentialGenerator.NewClientId(), SHA256.HashData(RandomNumberGenerator.GetBytes(32)));

    // As gitleaks computes it: over the characters of the secret, in bits per character.
    private static double ShannonEntropy(string text) =>
        -text.GroupBy(c => c).Sum(g => (double)g.Count() / text.Length * Math.Log2((double)g.Count() / text.Length));

    [GeneratedRegex("^/(?<source>.+)/(?<flags>[a-z]*)$")]
    private static partial Regex JsRegexLiteral();

    [GeneratedRegex(@"\*\*(?<field>[^*\n]+)\*\*[^\n]*\n\n```text\n(?<value>[^\n]*)\n```")]
    private static partial Regex GitHubField();
}
