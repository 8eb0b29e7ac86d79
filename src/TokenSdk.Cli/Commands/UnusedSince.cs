using System.Globalization;

namespace TokenSdk.Cli.Commands;

/// <summary>
/// The value of <c>--unused-since</c>: a duration counted back from now (<c>90d</c>, <c>12h</c>, <c>30m</c>, as
/// <c>--grace</c> takes them, up to <see cref="MaxDuration"/>), or an ISO-8601 date (midnight UTC) or instant.
/// </summary>
internal sealed class UnusedSince
{
    /// <summary>The longest duration accepted: 100 years (36,525 days).</summary>
    public static readonly TimeSpan MaxDuration = TimeSpan.FromDays(36_525);

    // ISO-8601 only: a date, or a date and time with an optional offset ('Z', '+02:00'); no offset means UTC.
    private static readonly string[] s_instantFormats =
    [
        "yyyy'-'MM'-'dd'T'HH':'mmK",
        "yyyy'-'MM'-'dd'T'HH':'mm':'ssK",
        "yyyy'-'MM'-'dd'T'HH':'mm':'ss'.'FFFFFFFK",
    ];

    private readonly TimeSpan? _ago;
    private readonly DateTimeOffset _at;

    private UnusedSince(TimeSpan? ago, DateTimeOffset at)
    {
        _ago = ago;
        _at = at;
    }

    /// <summary>Parses the option's text.</summary>
    /// <param name="text">The text.</param>
    /// <param name="value">The value, when valid.</param>
    /// <param name="error">Why it is not valid, when it is not.</param>
    /// <returns>Whether the text is a valid value.</returns>
    public static bool TryParse(string? text, out UnusedSince? value, out string? error)
    {
        value = null;
        error = null;
        string trimmed = text?.Trim() ?? string.Empty;
        // A date always has a '-'; a duration never (DurationParser rejects negative ones anyway).
        if (!trimmed.Contains('-', StringComparison.Ordinal) && DurationParser.TryParse(trimmed, out TimeSpan duration))
        {
            if (duration > MaxDuration)
            {
                error = $"'{text}' is too long for --unused-since: at most 100 years (36525d).";
                return false;
            }

            value = new UnusedSince(duration, default);
            return true;
        }

        if (IsDurationBeyondTimeSpan(trimmed))
        {
            error = $"'{text}' is too long for --unused-since: at most 100 years (36525d).";
            return false;
        }

        if (DateTime.TryParseExact(trimmed, "yyyy'-'MM'-'dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out DateTime date))
        {
            value = new UnusedSince(null, new DateTimeOffset(date.Ticks, TimeSpan.Zero));
            return true;
        }

        if (DateTimeOffset.TryParseExact(trimmed, s_instantFormats, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out DateTimeOffset at))
        {
            value = new UnusedSince(null, at.ToUniversalTime());
            return true;
        }

        error = $"'{text}' is not a duration or a date for --unused-since: use a number and a unit (90d, 12h, 30m) " +
                "or an ISO-8601 date or instant (2026-09-01, 2026-09-01T08:00:00Z, 2026-09-01T10:00+02:00).";
        return false;
    }

    /// <summary>Whether <paramref name="text"/> has a duration's shape (<c>99999999d</c>) but overflows a TimeSpan.</summary>
    private static bool IsDurationBeyondTimeSpan(string text)
    {
        if (text.Length == 0 || !char.IsAsciiDigit(text[0]))
        {
            return false;
        }

        foreach (char c in text)
        {
            if (!char.IsAsciiDigit(c) && "smhdSMHD".IndexOf(c, StringComparison.Ordinal) < 0)
            {
                return false;
            }
        }

        return char.IsAsciiLetter(text[^1]);
    }

    /// <summary>The instant meant, given the time now.</summary>
    /// <param name="now">Now.</param>
    public DateTimeOffset Resolve(DateTimeOffset now) => _ago is { } ago ? now - ago : _at;
}
