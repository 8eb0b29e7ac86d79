using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using TokenSdk.Credentials;

namespace TokenSdk.Cli.Scanning;

/// <summary>
/// Finds TokenSdk tokens in files and directories (<c>tokensdk scan</c>): checksummed tokens of any prefix, confirmed
/// by their CRC-32C through <see cref="ChecksummedTokenFormat.TryParse"/>, and Astra-format tokens, which carry no
/// checksum and are reported as unverifiable. Never keeps or returns a token: only its masked form.
/// </summary>
/// <remarks>
/// Candidates have the shapes and boundaries of the rules in docs/secret-scanning (for any prefix); a checksummed
/// candidate whose checksum does not match (a typo, a wrong prefix, a made-up string) is counted, not reported.
/// Directories are walked recursively in ordinal name order; <c>.git</c> directories, symbolic links found in the
/// walk (files or directories), files over <see cref="MaxFileSize"/> and binary files (a NUL byte in the first
/// 8000 bytes, git's test) are skipped and counted. Paths given explicitly are used as given, links included.
/// </remarks>
internal sealed partial class TokenScanner
{
    /// <summary>The default size limit: 10 MiB.</summary>
    public const long DefaultMaxFileSize = 10 * 1024 * 1024;

    // How much of a file decides whether it is binary, as git does.
    private const int BinaryProbeLength = 8000;

    private readonly Dictionary<string, ChecksummedTokenFormat?> _formats = new(StringComparer.Ordinal);

    /// <summary>Creates a scanner.</summary>
    /// <param name="maxFileSize">Files larger than this many bytes are skipped.</param>
    public TokenScanner(long maxFileSize = DefaultMaxFileSize)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxFileSize);
        MaxFileSize = maxFileSize;
    }

    /// <summary>Gets the size limit in bytes.</summary>
    public long MaxFileSize { get; }

    /// <summary>Scans files and directories.</summary>
    /// <param name="paths">The paths as given (printed in findings) and their absolute forms (read).</param>
    /// <param name="cancellationToken">Stops between files.</param>
    /// <returns>What was found and what was skipped.</returns>
    public ScanReport Scan(IEnumerable<(string Shown, string FullPath)> paths, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(paths);
        var report = new ScanReport();
        foreach ((string shown, string fullPath) in paths)
        {
            if (Directory.Exists(fullPath))
            {
                ScanDirectory(shown, fullPath, report, cancellationToken);
            }
            else
            {
                ScanFile(shown, fullPath, report, cancellationToken);
            }
        }

        return report;
    }

    /// <summary>Scans text (one file's content) and adds its findings to <paramref name="report"/>.</summary>
    /// <param name="path">The path printed in findings.</param>
    /// <param name="text">The content.</param>
    /// <param name="report">Receives the findings and the count of wrong checksums.</param>
    public void ScanText(string path, string text, ScanReport report)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(report);
        List<int>? lineStarts = null;
        Span<byte> tokenHash = stackalloc byte[32];
        try
        {
            foreach (Match match in Candidate().Matches(text))
            {
                Group astra = match.Groups["astra"];
                (int start, int length, TokenFormatKind kind, string clientId)? found = astra.Success
                    ? TryAstra(astra, tokenHash)
                    : TryChecksummed(match.Groups["checksummed"], tokenHash);
                if (found is not { } token)
                {
                    report.WrongChecksum++;
                    continue;
                }

                lineStarts ??= LineStarts(text);
                int line = lineStarts.BinarySearch(token.start);
                line = line >= 0 ? line : ~line - 1;
                report.Findings.Add(new ScanFinding(
                    path,
                    line + 1,
                    token.start - lineStarts[line] + 1,
                    token.kind,
                    token.clientId,
                    TokenMask.MaskToken(text.Substring(token.start, token.length)),
                    Validated: token.kind == TokenFormatKind.Checksummed));
            }
        }
        finally
        {
            CryptographicOperations.ZeroMemory(tokenHash);
        }
    }

    private (int, int, TokenFormatKind, string)? TryAstra(Group group, Span<byte> tokenHash) =>
        AstraTokenFormat.Instance.TryParse(group.ValueSpan, out ReadOnlySpan<char> clientId, tokenHash)
            ? (group.Index, group.Length, TokenFormatKind.Astra, clientId.ToString())
            : null;

    // The checksum covers the prefix: whatever the prefix, the library's parser for it decides.
    private (int, int, TokenFormatKind, string)? TryChecksummed(Group group, Span<byte> tokenHash)
    {
        ReadOnlySpan<char> candidate = group.ValueSpan;
        ChecksummedTokenFormat? format = FormatFor(candidate[..candidate.IndexOf('_')].ToString());
        return format is not null && format.TryParse(candidate, out ReadOnlySpan<char> clientId, tokenHash)
            ? (group.Index, group.Length, TokenFormatKind.Checksummed, clientId.ToString())
            : null;
    }

    private ChecksummedTokenFormat? FormatFor(string prefix)
    {
        if (!_formats.TryGetValue(prefix, out ChecksummedTokenFormat? format))
        {
            format = ChecksummedTokenFormat.IsValidPrefix(prefix) ? new ChecksummedTokenFormat(prefix) : null;
            _formats[prefix] = format;
        }

        return format;
    }

    private void ScanDirectory(string shown, string fullPath, ScanReport report, CancellationToken cancellationToken)
    {
        var options = new EnumerationOptions { RecurseSubdirectories = false, IgnoreInaccessible = false, AttributesToSkip = 0 };
        FileSystemInfo[] entries;
        try
        {
            entries = [.. new DirectoryInfo(fullPath).EnumerateFileSystemInfos("*", options).OrderBy(e => e.Name, StringComparer.Ordinal)];
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            report.Unreadable.Add(shown);
            return;
        }

        foreach (FileSystemInfo entry in entries)
        {
            cancellationToken.ThrowIfCancellationRequested();
            string entryShown = Path.Join(shown, entry.Name);
            if (entry.LinkTarget is not null)
            {
                // Never followed: a link could lead out of the tree, or around in a loop.
                report.SkippedLinks++;
            }
            else if (entry is DirectoryInfo directory)
            {
                if (directory.Name == ".git")
                {
                    report.SkippedGitDirectories++;
                }
                else
                {
                    ScanDirectory(entryShown, directory.FullName, report, cancellationToken);
                }
            }
            else if (entry is FileInfo { Length: > 0 } file)
            {
                // An empty file holds nothing; so do a named pipe, a socket or a device met in a directory (each has no
                // length), which are never opened: opening a named pipe would wait for a writer for ever.
                ScanFile(entryShown, file.FullName, report, cancellationToken);
            }
        }
    }

    private void ScanFile(string shown, string fullPath, ScanReport report, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        byte[] content;
        try
        {
            using var stream = new FileStream(fullPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1, FileOptions.SequentialScan);
            if (stream.CanSeek && stream.Length > MaxFileSize)
            {
                report.SkippedTooLarge++;
                return;
            }

            // Read at most one byte more than the limit: a file that grew meanwhile is still caught.
            content = new byte[(int)Math.Min(MaxFileSize + 1, stream.CanSeek ? stream.Length + 1 : MaxFileSize + 1)];
            int total = 0;
            int read;
            while (total < content.Length && (read = stream.Read(content, total, content.Length - total)) > 0)
            {
                total += read;
            }

            if (total > MaxFileSize)
            {
                report.SkippedTooLarge++;
                return;
            }

            Array.Resize(ref content, total);
        }
        catch (FileNotFoundException)
        {
            throw new CliException(ExitCodes.Usage, $"'{shown}' does not exist.");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            report.Unreadable.Add(shown);
            return;
        }

        if (content.AsSpan(0, Math.Min(content.Length, BinaryProbeLength)).Contains((byte)0))
        {
            report.SkippedBinary++;
            return;
        }

        report.FilesScanned++;
        ScanText(shown, Encoding.UTF8.GetString(content), report);
    }

    private static List<int> LineStarts(string text)
    {
        List<int> starts = [0];
        for (int i = text.IndexOf('\n', StringComparison.Ordinal); i >= 0; i = text.IndexOf('\n', i + 1))
        {
            starts.Add(i + 1);
        }

        return starts;
    }

    // The boundaries of docs/secret-scanning: not preceded by a letter or digit, not followed by a letter, digit or
    // '_' (so a token with extra characters, a wrong length, is no candidate). Checksummed: any prefix shape; the
    // checksum, which covers the prefix, decides.
    [GeneratedRegex(
        """
        (?<![A-Za-z0-9])
        (?: (?<astra>AstraCS:[A-Za-z]{24}:[a-f0-9]{64})
          | (?<checksummed>[a-z][a-z0-9]{1,15}_[A-Za-z]{24}_[0-9a-f]{72}) )
        (?![A-Za-z0-9_])
        """,
        RegexOptions.IgnorePatternWhitespace | RegexOptions.CultureInvariant | RegexOptions.ExplicitCapture)]
    private static partial Regex Candidate();
}
