using System.Security.Cryptography;

namespace TokenSdk.AspNetCore.Ui;

/// <summary>One embedded file of the page: its bytes, content type and strong ETag (a hash of the bytes).</summary>
internal sealed class PageAsset
{
    private PageAsset(byte[] content, string contentType)
    {
        Content = content;
        ContentType = contentType;
        ETag = "\"" + Convert.ToHexStringLower(SHA256.HashData(content).AsSpan(0, 16)) + "\"";
    }

    public byte[] Content { get; }

    public string ContentType { get; }

    public string ETag { get; }

    public static PageAsset Script { get; } = Load("app.js", "text/javascript; charset=utf-8");

    public static PageAsset Stylesheet { get; } = Load("app.css", "text/css; charset=utf-8");

    /// <summary>The page, with <c>%BASE%</c> and <c>%TITLE%</c> to fill in per request.</summary>
    public static string PageTemplate { get; } = LoadText("index.html");

    /// <summary>The page shown to a signed-in person who may not read tokens.</summary>
    public static string ForbiddenTemplate { get; } = LoadText("forbidden.html");

    /// <summary>Reads an embedded file; exposed to the tests, which check every file.</summary>
    internal static byte[] Read(string name)
    {
        using Stream stream = typeof(PageAsset).Assembly.GetManifestResourceStream("TokenSdk.ManagementPage." + name)
            ?? throw new InvalidOperationException($"The embedded page file '{name}' is missing from {typeof(PageAsset).Assembly.GetName().Name}.");
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        return buffer.ToArray();
    }

    private static PageAsset Load(string name, string contentType) => new(Read(name), contentType);

    private static string LoadText(string name) => System.Text.Encoding.UTF8.GetString(Read(name));
}
