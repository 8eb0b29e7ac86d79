namespace TokenSdk.Cli.Output;

/// <summary>
/// What the standard streams are connected to. Colour and aligned tables are only for people at a terminal;
/// a pipe or a file gets plain, stable text.
/// </summary>
internal static class Terminal
{
    /// <summary>Gets whether stdout is a terminal (not redirected to a pipe or a file).</summary>
    public static bool IsStdoutTerminal => !Console.IsOutputRedirected;

    /// <summary>Gets whether stdin is a terminal (a person can answer a prompt).</summary>
    public static bool IsStdinTerminal => !Console.IsInputRedirected;

    /// <summary>
    /// Gets whether to colour stdout: only at a terminal, and never when <c>NO_COLOR</c> is set (https://no-color.org)
    /// or <c>TERM=dumb</c>.
    /// </summary>
    public static bool UseColor =>
        IsStdoutTerminal
        && string.IsNullOrEmpty(Environment.GetEnvironmentVariable("NO_COLOR"))
        && !string.Equals(Environment.GetEnvironmentVariable("TERM"), "dumb", StringComparison.Ordinal);

    /// <summary>Returns <paramref name="text"/> in bold when colouring, unchanged otherwise.</summary>
    /// <param name="text">The text.</param>
    public static string Bold(string text) => UseColor ? $"\u001b[1m{text}\u001b[0m" : text;

    /// <summary>Returns <paramref name="text"/> in yellow when colouring, unchanged otherwise.</summary>
    /// <param name="text">The text.</param>
    public static string Warning(string text) => UseColor ? $"\u001b[33m{text}\u001b[0m" : text;

    /// <summary>Returns <paramref name="text"/> in green when colouring, unchanged otherwise.</summary>
    /// <param name="text">The text.</param>
    public static string Good(string text) => UseColor ? $"\u001b[32m{text}\u001b[0m" : text;
}
