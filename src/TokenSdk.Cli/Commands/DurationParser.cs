using System.Globalization;

namespace TokenSdk.Cli.Commands;

/// <summary>
/// Parses durations: <c>90s</c>, <c>30m</c>, <c>2h</c>, <c>1d</c>, combinations such as <c>1h30m</c>, or a
/// TimeSpan such as <c>01:30:00</c> or <c>1.00:00:00</c>.
/// </summary>
internal static class DurationParser
{
    /// <summary>Parses <paramref name="text"/>.</summary>
    /// <param name="text">The text.</param>
    /// <param name="duration">The duration, zero or positive.</param>
    /// <returns>Whether the text is a valid, non-negative duration.</returns>
    public static bool TryParse(string? text, out TimeSpan duration)
    {
        duration = TimeSpan.Zero;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        text = text.Trim();
        if (text.Contains(':', StringComparison.Ordinal))
        {
            return TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out duration) && duration >= TimeSpan.Zero;
        }

        if (text == "0")
        {
            return true;
        }

        TimeSpan total = TimeSpan.Zero;
        int i = 0;
        while (i < text.Length)
        {
            int start = i;
            while (i < text.Length && char.IsAsciiDigit(text[i]))
            {
                i++;
            }

            if (i == start || i == text.Length
                || !long.TryParse(text.AsSpan(start, i - start), NumberStyles.None, CultureInfo.InvariantCulture, out long amount))
            {
                return false;
            }

            TimeSpan unit = char.ToLowerInvariant(text[i]) switch
            {
                's' => TimeSpan.FromSeconds(1),
                'm' => TimeSpan.FromMinutes(1),
                'h' => TimeSpan.FromHours(1),
                'd' => TimeSpan.FromDays(1),
                _ => TimeSpan.Zero,
            };
            if (unit == TimeSpan.Zero || amount > TimeSpan.MaxValue.Ticks / unit.Ticks)
            {
                return false;
            }

            try
            {
                total = checked(total + (unit * amount));
            }
            catch (OverflowException)
            {
                return false;
            }

            i++;
        }

        duration = total;
        return true;
    }
}
