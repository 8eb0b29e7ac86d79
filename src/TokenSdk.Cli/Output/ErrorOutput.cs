namespace TokenSdk.Cli.Output;

/// <summary>
/// Everything the tool writes to stderr: errors and notes (one line each, prefixed with the tool's name), prompts
/// and, with <c>TOKENSDK_DEBUG=1</c>, stack traces. The one place that writes stderr, so the one place that masks:
/// whatever looks like a token or a secret is masked (<see cref="SecretMasker"/>) whoever wrote the message.
/// </summary>
internal sealed class ErrorOutput
{
    /// <summary>The environment variable that adds stack traces to unexpected errors.</summary>
    public const string DebugVariable = "TOKENSDK_DEBUG";

    private readonly TextWriter _error;
    private readonly List<string> _known = [];

    /// <summary>Creates the output.</summary>
    /// <param name="error">Standard error.</param>
    /// <param name="getVariable">Reads an environment variable (<see cref="DebugVariable"/>).</param>
    public ErrorOutput(TextWriter error, Func<string, string?> getVariable)
    {
        _error = error;
        IsDebug = getVariable(DebugVariable) is "1" or "true" or "TRUE" or "True";
    }

    /// <summary>Gets whether <c>TOKENSDK_DEBUG</c> is set to <c>1</c> or <c>true</c>.</summary>
    public bool IsDebug { get; }

    /// <summary>
    /// Names a value known not to be a secret, which the masker then leaves readable (the host, database, user and
    /// schema of a PostgreSQL store, which its messages name and which may look like a secret: <c>tokensdk_test_</c>
    /// and a GUID). Never a password, a token or anything the user typed as an argument.
    /// </summary>
    /// <param name="value">The value; ignored when empty.</param>
    public void Reveal(string? value)
    {
        if (!string.IsNullOrEmpty(value))
        {
            _known.Add(value);
        }
    }

    /// <summary>Writes <c>tokensdk: error: message</c> on one line.</summary>
    /// <param name="message">The message; line breaks are folded into spaces.</param>
    public void Error(string message) => _error.WriteLine(Mask("tokensdk: error: " + OneLine(message)));

    /// <summary>Writes <c>tokensdk: message</c> on one line (information that is not the command's output).</summary>
    /// <param name="message">The message.</param>
    public void Note(string message) => _error.WriteLine(Mask("tokensdk: " + OneLine(message)));

    /// <summary>Writes a question for the person at the terminal, without a line break.</summary>
    /// <param name="text">The question.</param>
    public void Prompt(string text)
    {
        _error.Write(Mask(OneLine(text)) + " ");
        _error.Flush();
    }

    /// <summary>Ends the line of a <see cref="Prompt"/> whose answer was not echoed.</summary>
    public void EndPrompt() => _error.WriteLine();

    /// <summary>Writes diagnostic details over several lines (a stack trace).</summary>
    /// <param name="details">The details.</param>
    public void Details(string details) => _error.WriteLine(Mask(details));

    /// <summary>Folds line breaks and surrounding whitespace so a message is one line.</summary>
    /// <param name="message">The message.</param>
    public static string OneLine(string message) =>
        string.Join(' ', message.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));

    private string Mask(string text) => SecretMasker.Mask(text, _known);
}
