using TokenSdk.Cli.Commands;

namespace TokenSdk.Cli.Tests;

public sealed class DurationParserTests
{
    [Theory]
    [InlineData("90s", 90)]
    [InlineData("30m", 30 * 60)]
    [InlineData("2h", 2 * 3600)]
    [InlineData("1d", 86400)]
    [InlineData("1h30m", 5400)]
    [InlineData("2H", 7200)]
    [InlineData("0", 0)]
    [InlineData("01:30:00", 5400)]
    [InlineData("1.00:00:00", 86400)]
    public void TryParse_ValidDuration_ReturnsIt(string text, int seconds)
    {
        bool parsed = DurationParser.TryParse(text, out TimeSpan duration);

        Assert.True(parsed);
        Assert.Equal(TimeSpan.FromSeconds(seconds), duration);
    }

    [Theory]
    [InlineData("")]
    [InlineData("soon")]
    [InlineData("10")]
    [InlineData("5w")]
    [InlineData("h")]
    [InlineData("-1h")]
    [InlineData("-01:00:00")]
    [InlineData("99999999999999999999d")]
    [InlineData("99999999999d")]
    public void TryParse_Invalid_ReturnsFalse(string text)
    {
        bool parsed = DurationParser.TryParse(text, out _);

        Assert.False(parsed);
    }
}
