using TokenSdk.Cli.Output;

namespace TokenSdk.Cli.Tests;

public sealed class ErrorOutputTests
{
    private const string Token = "tsdk_IFmJlTkNvptFzTDEQpQIEJud_9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08e3b1c4d2";

    [Fact]
    public void Error_MultiLineMessageWithToken_OneMaskedLine()
    {
        using var stderr = new StringWriter();
        var output = new ErrorOutput(stderr, _ => null);

        output.Error($"bad value\n  '{Token}'");

        Assert.Equal("tokensdk: error: bad value 'tsdk_IFmJ****c4d2'" + Environment.NewLine, stderr.ToString());
    }

    [Fact]
    public void NoteAndPrompt_WithToken_Masked()
    {
        using var stderr = new StringWriter();
        var output = new ErrorOutput(stderr, _ => null);

        output.Note("the old token " + Token + " no longer works.");
        output.Prompt($"Delete {Token}? [y/N]");

        Assert.DoesNotContain(Token, stderr.ToString(), StringComparison.Ordinal);
        Assert.EndsWith("Delete tsdk_IFmJ****c4d2? [y/N] ", stderr.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Details_StackTraceWithToken_KeepsLinesAndMasks()
    {
        using var stderr = new StringWriter();
        var output = new ErrorOutput(stderr, name => name == ErrorOutput.DebugVariable ? "1" : null);

        output.Details($"System.FormatException: {Token}\n   at Somewhere()");

        Assert.True(output.IsDebug);
        Assert.Equal("System.FormatException: tsdk_IFmJ****c4d2\n   at Somewhere()" + Environment.NewLine, stderr.ToString());
    }

    [Fact]
    public void Error_RevealedValue_NotMaskedButTokensStillAre()
    {
        const string database = "tokensdk_test_3f2a9c4e1b7d4e0f8a6c5b4d3e2f1a0b";
        using var stderr = new StringWriter();
        var output = new ErrorOutput(stderr, _ => null);

        output.Reveal(database);
        output.Error($"database={database} refused {Token}");

        Assert.Equal($"tokensdk: error: database={database} refused tsdk_IFmJ****c4d2" + Environment.NewLine, stderr.ToString());
    }
}
