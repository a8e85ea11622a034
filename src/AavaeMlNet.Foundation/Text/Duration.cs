using System.Globalization;

namespace AavaeMlNet.Text;

/// <summary>The one way durations are written in logs and reports, and the one grammar they are read in.</summary>
public static class Duration
{
    /// <summary>
    /// Hours:minutes:seconds, the hours in full however many there are ("27:03:09" for a day and three hours; a
    /// <c>hh</c> format would wrap to "03:03:09"), the seconds truncated; negative durations are written as zero.
    /// </summary>
    public static string Format(TimeSpan duration)
    {
        if (duration < TimeSpan.Zero) duration = TimeSpan.Zero;
        return string.Create(CultureInfo.InvariantCulture,
            $"{(long)duration.TotalHours:D2}:{duration.Minutes:D2}:{duration.Seconds:D2}");
    }

    /// <summary>
    /// A positive duration in the grammar every setting and flag shares: a number with the unit s, m or h (30s, 10m,
    /// 1.5h); a bare number is minutes. Null when <paramref name="text"/> is not one.
    /// </summary>
    public static TimeSpan? TryParse(string text)
    {
        string trimmed = text.Trim();
        if (trimmed.Length == 0) return null;
        (string number, double seconds) = trimmed[^1] switch
        {
            's' => (trimmed[..^1], 1.0),
            'm' => (trimmed[..^1], 60.0),
            'h' => (trimmed[..^1], 3600.0),
            _ => (trimmed, 60.0),
        };
        if (!double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out double value)
            || !(value > 0) || value * seconds > TimeSpan.MaxValue.TotalSeconds / 2)
            return null;
        return TimeSpan.FromSeconds(value * seconds);
    }

    /// <summary>
    /// The text <see cref="TryParse"/> reads back as <paramref name="duration"/>, in the largest whole unit
    /// (90s, 10m, 1h; 1.5m when no unit divides it).
    /// </summary>
    public static string ToText(TimeSpan duration)
    {
        double seconds = duration.TotalSeconds;
        var invariant = CultureInfo.InvariantCulture;
        if (seconds >= 3600 && seconds % 3600 == 0) return (seconds / 3600).ToString(invariant) + "h";
        if (seconds >= 60 && seconds % 60 == 0) return (seconds / 60).ToString(invariant) + "m";
        if (seconds % 1 == 0 || seconds < 60) return seconds.ToString("R", invariant) + "s";
        return (seconds / 60).ToString("R", invariant) + "m";
    }
}
