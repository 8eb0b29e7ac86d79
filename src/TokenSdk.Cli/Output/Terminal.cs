namespace TokenSdk.Cli.Output;

/// <summary>
/// What the standard streams of one invocation are connected to. Colour and aligned tables are only for people at
/// a terminal; a pipe or a file gets plain, stable text.
/// </summary>
internal sealed class Terminal
{
    /// <summary>Creates the description.</summary>
    /// <param name="isStdoutTerminal">Whether stdout is a terminal (not redirected to a pipe or a file).</param>
    /// <param name="isStdinTerminal">Whether stdin is a terminal (a person can answer a prompt).</param>
    /// <param name="getVariable">Reads an environment variable (<c>NO_COLOR</c>, <c>TERM</c>).</param>
    public Terminal(bool isStdoutTerminal, bool isStdinTerminal, Func<string, string?> getVariable)
    {
        IsStdoutTerminal = isStdoutTerminal;
        IsStdinTerminal = isStdinTerminal;
        UseColor = isStdoutTerminal
            && string.IsNullOrEmpty(getVariable("NO_COLOR"))
            && !string.Equals(getVariable("TERM"), "dumb", StringComparison.Ordinal);
    }

    /// <summary>Gets whether stdout is a terminal (not redirected to a pipe or a file).</summary>
    public bool IsStdoutTerminal { get; }

    /// <summary>Gets whether stdin is a terminal (a person can answer a prompt).</summary>
    public bool IsStdinTerminal { get; }

    /// <summary>
    /// Gets whether to colour stdout: only at a terminal, and never when <c>NO_COLOR</c> is set (https://no-color.org)
    /// or <c>TERM=dumb</c>.
    /// </summary>
    public bool UseColor { get; }

    /// <summary>Returns <paramref name="text"/> in bold when colouring, unchanged otherwise.</summary>
    /// <param name="text">The text.</param>
    public string Bold(string text) => UseColor ? $"\u001b[1m{text}\u001b[0m" : text;

    /// <summary>Returns <paramref name="text"/> in yellow when colouring, unchanged otherwise.</summary>
    /// <param name="text">The text.</param>
    public string Warning(string text) => UseColor ? $"\u001b[33m{text}\u001b[0m" : text;

    /// <summary>Returns <paramref name="text"/> in green when colouring, unchanged otherwise.</summary>
    /// <param name="text">The text.</param>
    public string Good(string text) => UseColor ? $"\u001b[32m{text}\u001b[0m" : text;
}
