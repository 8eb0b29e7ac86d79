namespace TokenSdk.Cli;

/// <summary>
/// The exit codes of <c>tokensdk</c>. They are part of the tool's contract (docs/cli.md): scripts branch on them.
/// </summary>
internal static class ExitCodes
{
    /// <summary>The command did what was asked (for <c>tokens verify</c>: the token is valid).</summary>
    public const int Success = 0;

    /// <summary>
    /// The thing named does not exist (client id, role), the token is not valid, the user answered no at the
    /// confirmation prompt, an output file already exists, another role of the organization already has the name
    /// (<c>roles create</c>, <c>roles update</c>), or (<c>db status</c>) the schema is not current.
    /// </summary>
    public const int Failure = 1;

    /// <summary>
    /// The command line is wrong: unknown command or option, a missing or malformed value, no store given, a request
    /// the library rejects as invalid, or a deletion without <c>--yes</c> when stdin is not a terminal.
    /// </summary>
    public const int Usage = 2;

    /// <summary>
    /// The store cannot be used: missing directory, damaged log, lock timeout, no permission, I/O error; for PostgreSQL,
    /// an unreachable database, a refused login, a missing or older schema.
    /// </summary>
    public const int StoreError = 3;

    /// <summary>
    /// The library's policy refused the operation (lock-out guard, permission or escalation denied, or a change to a
    /// read-only role: a default role or one configured by the host).
    /// </summary>
    public const int PolicyDenied = 4;

    /// <summary>An unexpected error (a bug): the message is printed; the stack trace only with <c>TOKENSDK_DEBUG=1</c>.</summary>
    public const int InternalError = 5;

    /// <summary>
    /// The role is no longer at the version <c>--if-version</c> gave (<c>roles update</c>, <c>roles delete</c>): someone
    /// changed it meanwhile. Nothing changed; read it again (<c>roles show</c>) and retry.
    /// </summary>
    public const int VersionMismatch = 6;

    /// <summary>
    /// The role was not deleted because tokens hold it (<c>roles delete</c>); the message says how many. Delete those
    /// tokens, or rotate them to other roles, first.
    /// </summary>
    public const int RoleInUse = 7;

    /// <summary>
    /// <c>scan</c> found tokens: checksummed ones with a right checksum, or Astra-format ones (which cannot be
    /// validated). Distinct from <see cref="Failure"/> so a CI step can tell "tokens leaked" from "the scan failed".
    /// </summary>
    public const int TokensFound = 8;

    /// <summary>Interrupted (Ctrl+C), as shells report SIGINT.</summary>
    public const int Cancelled = 130;
}
