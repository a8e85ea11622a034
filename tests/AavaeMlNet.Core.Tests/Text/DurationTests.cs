using AavaeMlNet.Text;

namespace AavaeMlNet.Core.Tests.Text;

public sealed class DurationTests
{
    [Theory]
    [InlineData(0, "00:00:00")]
    [InlineData(59.999, "00:00:59")] // truncated, never rounded up to a minute not yet reached
    [InlineData(5 * 60 + 7, "00:05:07")]
    [InlineData(2 * 3600 + 13 * 60 + 17, "02:13:17")]
    [InlineData(27 * 3600 + 3 * 60 + 9, "27:03:09")] // past a day: hh would write 03:03:09
    [InlineData(123 * 3600, "123:00:00")]
    [InlineData(-5, "00:00:00")]
    public void WritesHoursInFull(double seconds, string expected) =>
        Assert.Equal(expected, Duration.Format(TimeSpan.FromSeconds(seconds)));
}
