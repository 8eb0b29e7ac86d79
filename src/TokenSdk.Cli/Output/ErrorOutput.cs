namespace TokenSdk.Cli.Output;

/// <summary>Writes errors and notes to stderr, one line each, prefixed with the tool's name.</summary>
internal static class ErrorOutput
{
    /// <summary>The environment variable that adds stack traces to unexpected errors.</summary>
    public const string DebugVariable = "TOKENSDK_DEBUG";

    /// <summary>Gets whether <c>TOKENSDK_DEBUG</c> is set to <c>1</c> or <c>true</c>.</summary>
    public static bool IsDebug =>
        Environment.GetEnvironmentVariable(DebugVariable) is "1" or "true" or "TRUE" or "True";

    /// <summary>Writes <c>tokensdk: error: message</c> on one line of stderr.</summary>
    /// <param name="message">The message; line breaks are folded into spaces.</param>
    public static void Error(string message) => Console.Error.WriteLine("tokensdk: error: " + OneLine(message));

    /// <summary>Writes <c>tokensdk: message</c> on one line of stderr (information that is not the command's output).</summary>
    /// <param name="message">The message.</param>
    public static void Note(string message) => Console.Error.WriteLine("tokensdk: " + OneLine(message));

    /// <summary>Folds line breaks and surrounding whitespace so a message is one line.</summary>
    /// <param name="message">The message.</param>
    public static string OneLine(string message) =>
        string.Join(' ', message.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
}
