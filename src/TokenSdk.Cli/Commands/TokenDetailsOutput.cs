using TokenSdk.Cli.Output;
using TokenSdk.Cli.Stores;
using TokenSdk.Credentials;
using TokenSdk.Management;

namespace TokenSdk.Cli.Commands;

/// <summary>
/// Where a new token's details go: stdout, or a new owner-only file. The file is created before the token, so a
/// path that cannot be written never costs a token whose details nobody saw.
/// </summary>
internal sealed class TokenDetailsOutput : IDisposable
{
    private readonly CliContext _context;
    private readonly string? _path;
    private readonly TokenDetailsFormat _format;
    private FileStream? _file;
    private bool _written;

    private TokenDetailsOutput(CliContext context, string? path, FileStream? file, TokenDetailsFormat format)
    {
        _context = context;
        _path = path;
        _file = file;
        _format = format;
    }

    /// <summary>Prepares the output; with a path, creates the file now (owner-only, never overwriting).</summary>
    /// <param name="context">The invocation: its stdout, and the directory a relative path starts from.</param>
    /// <param name="output">The <c>--output</c> value, or <see langword="null"/>.</param>
    /// <param name="outFile">The <c>--out-file</c> value, or <see langword="null"/>.</param>
    /// <exception cref="CliException">The file exists or cannot be created (<see cref="ExitCodes.Failure"/>).</exception>
    public static TokenDetailsOutput Open(CliContext context, string? output, string? outFile)
    {
        if (outFile is null)
        {
            return new TokenDetailsOutput(context, null, null, output is null ? TokenDetailsFormat.Text : TokenDetailsWriter.Parse(output));
        }

        if (string.IsNullOrWhiteSpace(outFile))
        {
            throw new CliException(ExitCodes.Usage, "--out-file needs a file name.");
        }

        string path = context.Environment.FullPath(outFile);
        TokenDetailsFormat format = output is null ? TokenDetailsWriter.ForFile(path) : TokenDetailsWriter.Parse(output);
        if (File.Exists(path) || Directory.Exists(path))
        {
            throw new CliException(ExitCodes.Failure, $"'{path}' already exists; tokensdk never overwrites token details. Choose another --out-file.");
        }

        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        try
        {
            return new TokenDetailsOutput(context, path, new FileStream(path, options), format);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new CliException(ExitCodes.Failure, $"Cannot create '{path}': {ex.Message}");
        }
    }

    /// <summary>Writes the details (the one time the secret is shown); on a failed file write, deletes the new token.</summary>
    /// <param name="details">The new token.</param>
    /// <param name="session">The session that created it, to undo the creation if the file cannot be written.</param>
    /// <param name="cancellationToken">Cancelled on Ctrl+C.</param>
    public async Task WriteAsync(GeneratedToken details, CliSession session, CancellationToken cancellationToken)
    {
        if (_file is null)
        {
            await _context.Out.WriteAsync(TokenDetailsWriter.Render(details, _format, _context.Terminal)).ConfigureAwait(false);
            await _context.Out.FlushAsync(cancellationToken).ConfigureAwait(false);
            _written = true;
            return;
        }

        try
        {
            await using (FileStream file = _file)
            {
                _file = null;
                byte[] bytes = new System.Text.UTF8Encoding(encoderShouldEmitUTF8Identifier: false)
                    .GetBytes(TokenDetailsWriter.Render(details, _format, terminal: null));
                await file.WriteAsync(bytes, CancellationToken.None).ConfigureAwait(false);
                file.Flush(flushToDisk: true);
            }

            _written = true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Nobody can ever see this secret again: a token nobody holds must not stay valid.
            await session.Manager.DeleteAsync(session.Caller, details.ClientId, DeletionReason.Other, CancellationToken.None).ConfigureAwait(false);
            throw new CliException(ExitCodes.Failure, $"Cannot write '{_path}': {ex.Message}. The new token {details.ClientId} was deleted again.");
        }

        await _context.Out.WriteLineAsync($"Wrote the details of token {details.ClientId} to {_path} (owner-only). Store them securely.").ConfigureAwait(false);
    }

    /// <summary>Closes the file; removes it if no details were written (the command failed before).</summary>
    public void Dispose()
    {
        if (_file is not null)
        {
            _file.Dispose();
            _file = null;
        }

        if (!_written && _path is not null)
        {
            try
            {
                File.Delete(_path);
            }
            catch (IOException)
            {
                // Best effort: an empty file is harmless.
            }
            catch (UnauthorizedAccessException)
            {
                // Best effort.
            }
        }
    }
}
