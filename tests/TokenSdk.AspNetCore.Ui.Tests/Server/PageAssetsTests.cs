using System.Text;
using System.Text.RegularExpressions;

namespace TokenSdk.AspNetCore.Ui.Tests.Server;

/// <summary>The embedded files themselves: nothing from another origin, nothing inline that the CSP would block.</summary>
public sealed partial class PageAssetsTests
{
    public static TheoryData<string> Files => ["index.html", "forbidden.html", "app.js", "app.css"];

    [Theory]
    [MemberData(nameof(Files))]
    public void Asset_NoAbsoluteUrls(string name)
    {
        string text = Read(name);

        Assert.DoesNotContain("http://", text, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("https://", text, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("//cdn", text, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("@import", text, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData("index.html")]
    [InlineData("forbidden.html")]
    public void Html_NoInlineScriptOrStyle(string name)
    {
        string html = Read(name);

        Assert.DoesNotMatch(InlineStyleAttribute(), html);
        Assert.DoesNotContain("<style", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotMatch(EventHandlerAttribute(), html);
        Assert.DoesNotContain("javascript:", html, StringComparison.OrdinalIgnoreCase);
        // Every script element loads a file: <script src=...></script>, nothing between the tags.
        foreach (Match script in ScriptElement().Matches(html))
        {
            Assert.Contains(" src=", script.Groups["open"].Value, StringComparison.Ordinal);
            Assert.True(string.IsNullOrWhiteSpace(script.Groups["body"].Value), $"Inline script in {name}.");
        }
    }

    [Fact]
    public void Script_WritesApiDataAsTextOnly()
    {
        string js = Read("app.js");

        Assert.DoesNotContain("innerHTML", js, StringComparison.Ordinal);
        Assert.DoesNotContain("outerHTML", js, StringComparison.Ordinal);
        Assert.DoesNotContain("insertAdjacentHTML", js, StringComparison.Ordinal);
        Assert.DoesNotContain("document.write", js, StringComparison.Ordinal);
        Assert.DoesNotContain("eval(", js, StringComparison.Ordinal);
        Assert.DoesNotContain("console.", js, StringComparison.Ordinal);
        Assert.DoesNotContain("localStorage", js, StringComparison.Ordinal);
        Assert.DoesNotContain("sessionStorage", js, StringComparison.Ordinal);
        Assert.DoesNotContain(".style.", js, StringComparison.Ordinal);
    }

    private static string Read(string name) => Encoding.UTF8.GetString(PageAsset.Read(name));

    [GeneratedRegex(@"\sstyle\s*=", RegexOptions.IgnoreCase)]
    private static partial Regex InlineStyleAttribute();

    [GeneratedRegex(@"\son[a-z]+\s*=", RegexOptions.IgnoreCase)]
    private static partial Regex EventHandlerAttribute();

    [GeneratedRegex(@"<script(?<open>[^>]*)>(?<body>.*?)</script>", RegexOptions.IgnoreCase | RegexOptions.Singleline)]
    private static partial Regex ScriptElement();
}
