using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using TokenSdk.Cli.Output;
using TokenSdk.Cli.Scanning;
using TokenSdk.Credentials;

namespace TokenSdk.Cli.Commands;

/// <summary>
/// <c>tokensdk scan PATH...</c>: finds TokenSdk tokens in files and directories, confirms checksummed ones by their
/// CRC-32C, and reports each masked. Needs no store. Exit code 0 when none is found, <see cref="ExitCodes.TokensFound"/>
/// when any is.
/// </summary>
internal static class ScanCommand
{
    /// <summary>Builds the command.</summary>
    /// <param name="environment">The environment of the invocation.</param>
    public static Command Create(CliEnvironment environment)
    {
        var paths = new Argument<string[]>("PATH")
        {
            Description = "Files and directories to scan; directories recursively (skipping .git, symbolic links, binary files and files over --max-size).",
            Arity = ArgumentArity.OneOrMore,
        };
        var output = new Option<string?>("--output", "-o") { Description = "text (default) or json.", HelpName = "text|json" };
        output.AcceptOnlyFromAmong("text", "json");
        var maxSize = new Option<long?>("--max-size")
        {
            Description = "Skip files larger than this: bytes, or with a K, M or G suffix (1024-based). Default: 10M.",
            HelpName = "SIZE",
            CustomParser = result =>
            {
                string text = result.Tokens.Count == 1 ? result.Tokens[0].Value : string.Empty;
                if (TryParseSize(text, out long size))
                {
                    return size;
                }

                result.AddError($"'{text}' is not a size: use bytes or a number with K, M or G (for example 512K or 10M).");
                return null;
            },
        };
        var command = new Command(
            "scan",
            "Find TokenSdk tokens (checksummed tokens of any prefix, and AstraCS: tokens) in files and directories. Checksummed tokens are " +
            "confirmed by their CRC-32C; Astra tokens have no checksum (unverifiable). Prints each masked, never the token. " +
            $"Exit code 0 when none is found, {ExitCodes.TokensFound} when any is.")
        {
            paths, output, maxSize,
        };
        CommandRunner.SetAction(command, environment, (parse, context, ct) => Task.FromResult(
            Run(context, parse.GetValue(paths) ?? [], parse.GetValue(output) == "json", parse.GetValue(maxSize) ?? TokenScanner.DefaultMaxFileSize, ct)));
        return command;
    }

    /// <summary>Parses a size: bytes, or a number with a K, M or G suffix (1024-based).</summary>
    /// <param name="text">The text.</param>
    /// <param name="size">The size in bytes.</param>
    /// <returns><see langword="true"/> for a positive size.</returns>
    public static bool TryParseSize(string text, out long size)
    {
        size = 0;
        ArgumentNullException.ThrowIfNull(text);
        text = text.Trim();
        long unit = 1;
        if (text.Length > 0 && char.ToUpperInvariant(text[^1]) is 'K' or 'M' or 'G')
        {
            unit = char.ToUpperInvariant(text[^1]) switch { 'K' => 1L << 10, 'M' => 1L << 20, _ => 1L << 30 };
            text = text[..^1];
        }

        if (!long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out long number) || number <= 0 || number > long.MaxValue / unit)
        {
            return false;
        }

        size = number * unit;
        return true;
    }

    private static int Run(CliContext context, string[] paths, bool json, long maxSize, CancellationToken cancellationToken)
    {
        var targets = new List<(string Shown, string FullPath)>();
        foreach (string path in paths)
        {
            string fullPath = context.Environment.FullPath(path);
            if (!File.Exists(fullPath) && !Directory.Exists(fullPath))
            {
                throw new CliException(ExitCodes.Usage, $"'{path}' does not exist.");
            }

            targets.Add((path, fullPath));
        }

        ScanReport report = new TokenScanner(maxSize).Scan(targets, cancellationToken);
        TextWriter stdout = context.Out;
        if (json)
        {
            stdout.WriteLine(Json.Write(w => WriteJson(w, report)));
        }
        else
        {
            foreach (ScanFinding finding in report.Findings)
            {
                stdout.WriteLine(
                    $"{finding.Path}:{finding.Line}:{finding.Column}: {FormatName(finding.Format)} token {finding.MaskedToken} " +
                    $"client {finding.ClientId}: {(finding.Validated ? context.Terminal.Warning("checksum valid") : "unverifiable (no checksum in this format)")}");
            }
        }

        foreach (string unreadable in report.Unreadable)
        {
            context.Errors.Note($"could not read '{unreadable}': skipped.");
        }

        int validated = report.Findings.Count(f => f.Validated);
        context.Errors.Note(
            $"{Plural(report.Findings.Count, "token")} found ({validated} validated by checksum, {report.Findings.Count - validated} unverifiable) " +
            $"in {Plural(report.FilesScanned, "file")} scanned; skipped: {report.SkippedBinary} binary, {report.SkippedTooLarge} over {maxSize} bytes, " +
            $"{report.SkippedLinks} symbolic links, {report.SkippedGitDirectories} .git directories, {report.Unreadable.Count} unreadable; " +
            $"{Plural(report.WrongChecksum, "string")} of token shape with a wrong checksum ignored.");
        return report.Findings.Count > 0 ? ExitCodes.TokensFound : ExitCodes.Success;
    }

    private static void WriteJson(Utf8JsonWriter json, ScanReport report)
    {
        json.WriteStartObject();
        json.WriteStartArray("findings");
        foreach (ScanFinding finding in report.Findings)
        {
            json.WriteStartObject();
            json.WriteString("path", finding.Path);
            json.WriteNumber("line", finding.Line);
            json.WriteNumber("column", finding.Column);
            json.WriteString("format", FormatName(finding.Format));
            json.WriteString("clientId", finding.ClientId);
            json.WriteString("maskedToken", finding.MaskedToken);
            json.WriteBoolean("validated", finding.Validated);
            json.WriteString("validation", finding.Validated ? "checksum" : "unverifiable");
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteNumber("filesScanned", report.FilesScanned);
        json.WriteStartObject("skipped");
        json.WriteNumber("binary", report.SkippedBinary);
        json.WriteNumber("tooLarge", report.SkippedTooLarge);
        json.WriteNumber("symbolicLinks", report.SkippedLinks);
        json.WriteNumber("gitDirectories", report.SkippedGitDirectories);
        json.WriteNumber("unreadable", report.Unreadable.Count);
        json.WriteEndObject();
        json.WriteNumber("wrongChecksum", report.WrongChecksum);
        json.WriteEndObject();
    }

    private static string FormatName(TokenFormatKind format) => format == TokenFormatKind.Astra ? "astra" : "checksummed";

    private static string Plural(int count, string noun) => $"{count} {noun}{(count == 1 ? string.Empty : "s")}";
}
