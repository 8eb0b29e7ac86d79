namespace TokenSdk.Cli;

/// <summary>
/// An expected, user-facing failure: <see cref="Commands.CommandRunner"/> prints its message as one line on stderr
/// (no stack trace) and exits with <see cref="ExitCode"/>.
/// </summary>
internal sealed class CliException : Exception
{
    /// <summary>Creates the failure.</summary>
    /// <param name="exitCode">One of <see cref="ExitCodes"/>.</param>
    /// <param name="message">One line saying what is wrong and, where it helps, what to do.</param>
    public CliException(int exitCode, string message)
        : base(message)
    {
        ExitCode = exitCode;
    }

    /// <summary>Creates an empty failure; <see cref="ExitCodes.InternalError"/>.</summary>
    public CliException()
        : this(ExitCodes.InternalError, "The command failed.")
    {
    }

    /// <summary>Creates a failure with <see cref="ExitCodes.InternalError"/>.</summary>
    /// <param name="message">The message.</param>
    public CliException(string message)
        : this(ExitCodes.InternalError, message)
    {
    }

    /// <summary>Creates a failure with <see cref="ExitCodes.InternalError"/> and an inner exception.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public CliException(string message, Exception innerException)
        : base(message, innerException)
    {
        ExitCode = ExitCodes.InternalError;
    }

    /// <summary>Gets the exit code, one of <see cref="ExitCodes"/>.</summary>
    public int ExitCode { get; }
}
