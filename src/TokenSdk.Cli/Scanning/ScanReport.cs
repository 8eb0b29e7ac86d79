using TokenSdk.Credentials;

namespace TokenSdk.Cli.Scanning;

/// <summary>One token found by <see cref="TokenScanner"/>: where, which format, whose, masked; never the token.</summary>
/// <param name="Path">The file, as reached from the path given.</param>
/// <param name="Line">The line, from 1.</param>
/// <param name="Column">The column of the token's first character, from 1, counted in characters.</param>
/// <param name="Format">The token's format.</param>
/// <param name="ClientId">The client id in the token (not a secret: the tool prints client ids everywhere).</param>
/// <param name="MaskedToken">The token masked by <see cref="TokenMask.MaskToken"/>, for example <c>tsdk_IFmJ****3b1c</c>.</param>
/// <param name="Validated">
/// <see langword="true"/> for a checksummed token, whose CRC-32C was right; <see langword="false"/> for an Astra token,
/// whose format has no checksum (unverifiable: it has the shape, nothing more can be told offline).
/// </param>
internal sealed record ScanFinding(string Path, int Line, int Column, TokenFormatKind Format, string ClientId, string MaskedToken, bool Validated);

/// <summary>What a scan found and what it skipped.</summary>
internal sealed class ScanReport
{
    /// <summary>Gets the tokens found, in the order of files and of their positions.</summary>
    public List<ScanFinding> Findings { get; } = [];

    /// <summary>Gets or sets how many files were read and searched.</summary>
    public int FilesScanned { get; set; }

    /// <summary>Gets or sets how many files were skipped as binary (a NUL byte in the first 8000 bytes).</summary>
    public int SkippedBinary { get; set; }

    /// <summary>Gets or sets how many files were skipped for their size.</summary>
    public int SkippedTooLarge { get; set; }

    /// <summary>Gets or sets how many symbolic links met in a directory walk were not followed.</summary>
    public int SkippedLinks { get; set; }

    /// <summary>Gets or sets how many <c>.git</c> directories were skipped.</summary>
    public int SkippedGitDirectories { get; set; }

    /// <summary>Gets the files and directories that could not be read (no permission, I/O error).</summary>
    public List<string> Unreadable { get; } = [];

    /// <summary>
    /// Gets or sets how many strings had the shape of a checksummed token (of any prefix) but not a right checksum: a
    /// typo, another prefix glued on, a made-up example. Not tokens (the library rejects them before any lookup), so
    /// not findings.
    /// </summary>
    public int WrongChecksum { get; set; }
}
