using System.Globalization;

namespace AavaeMlNet.Text;

/// <summary>The one way durations are written in logs and reports.</summary>
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
}
