using TokenSdk.Cli.Output;
using TokenSdk.Cli.Stores;

namespace TokenSdk.Cli;

/// <summary>
/// The world one invocation sees: standard streams, environment variables, the working directory, whether a person
/// is at a terminal. <see cref="FromConsole"/> is the process's own (what <c>Program.Main</c> uses); tests build
/// their own, so many invocations can run at once in one process without touching process-wide state.
/// </summary>
internal sealed class CliEnvironment
{
    private readonly Func<string, string?> _getVariable;
    private readonly Func<ConsoleKeyInfo>? _readKey;

    /// <summary>Creates the environment.</summary>
    /// <param name="output">Standard output.</param>
    /// <param name="error">Standard error; written only through <see cref="Errors"/>.</param>
    /// <param name="input">Standard input.</param>
    /// <param name="getVariable">Reads an environment variable; <see langword="null"/> when unset.</param>
    /// <param name="workingDirectory">The absolute directory that relative paths are resolved against.</param>
    /// <param name="isStdoutTerminal">Whether stdout is a terminal (aligned tables, colour).</param>
    /// <param name="readKey">
    /// Reads one key at the terminal without echoing it: given when stdin is a terminal, <see langword="null"/> when
    /// it is redirected.
    /// </param>
    /// <param name="time">The clock (token times, <c>--unused-since 90d</c>); <see langword="null"/> for the system clock.</param>
    /// <param name="storeKinds">
    /// The kinds of store <c>--store</c> can select; <see langword="null"/> for <see cref="StoreSelection.Kinds"/> (tests
    /// add one that keeps a store in memory across the invocations of one test).
    /// </param>
    public CliEnvironment(
        TextWriter output,
        TextWriter error,
        TextReader input,
        Func<string, string?> getVariable,
        string workingDirectory,
        bool isStdoutTerminal = false,
        Func<ConsoleKeyInfo>? readKey = null,
        TimeProvider? time = null,
        IReadOnlyList<IStoreKind>? storeKinds = null)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(getVariable);
        if (!Path.IsPathFullyQualified(workingDirectory))
        {
            throw new ArgumentException($"The working directory '{workingDirectory}' is not an absolute path.", nameof(workingDirectory));
        }

        Out = output;
        In = input;
        _getVariable = getVariable;
        _readKey = readKey;
        WorkingDirectory = workingDirectory;
        Time = time ?? TimeProvider.System;
        StoreKinds = storeKinds ?? StoreSelection.Kinds;
        Errors = new ErrorOutput(error, getVariable);
        Terminal = new Terminal(isStdoutTerminal, isStdinTerminal: readKey is not null, getVariable);
    }

    /// <summary>Gets standard output: the command's result.</summary>
    public TextWriter Out { get; }

    /// <summary>Gets standard input.</summary>
    public TextReader In { get; }

    /// <summary>Gets standard error, which masks anything that looks like a token.</summary>
    public ErrorOutput Errors { get; }

    /// <summary>Gets what the streams are connected to, and whether to colour.</summary>
    public Terminal Terminal { get; }

    /// <summary>Gets the clock: what TokenSdk stamps tokens with, and what relative times such as <c>90d</c> count back from.</summary>
    public TimeProvider Time { get; }

    /// <summary>Gets the kinds of store <c>--store</c> and <c>TOKENSDK_STORE</c> can select, by prefix.</summary>
    public IReadOnlyList<IStoreKind> StoreKinds { get; }

    /// <summary>Gets the directory relative paths are resolved against.</summary>
    public string WorkingDirectory { get; }

    /// <summary>The process's own console, environment variables and current directory.</summary>
    public static CliEnvironment FromConsole() => new(
        Console.Out,
        Console.Error,
        Console.In,
        Environment.GetEnvironmentVariable,
        Environment.CurrentDirectory,
        isStdoutTerminal: !Console.IsOutputRedirected,
        readKey: Console.IsInputRedirected ? null : static () => Console.ReadKey(intercept: true));

    /// <summary>Reads an environment variable.</summary>
    /// <param name="name">The name.</param>
    /// <returns>The value, or <see langword="null"/> when unset.</returns>
    public string? GetVariable(string name) => _getVariable(name);

    /// <summary>Reads one key at the terminal without echoing it.</summary>
    /// <exception cref="InvalidOperationException">Stdin is not a terminal.</exception>
    public ConsoleKeyInfo ReadKey() =>
        _readKey is not null ? _readKey() : throw new InvalidOperationException("stdin is not a terminal.");

    /// <summary>Resolves a path against <see cref="WorkingDirectory"/>.</summary>
    /// <param name="path">An absolute or relative path.</param>
    /// <returns>The absolute path.</returns>
    public string FullPath(string path) => Path.GetFullPath(path, WorkingDirectory);
}
