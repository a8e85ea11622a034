using AavaeMlNet.Evaluation.LabelEfficiency;

namespace AavaeMlNet.Evaluation.Tests.LabelEfficiency;

public class LabelBudgetTests
{
    [Theory]
    [InlineData("100/class", LabelBudgetKind.PerClass, 100)]
    [InlineData(" 5/CLASS ", LabelBudgetKind.PerClass, 5)]
    [InlineData("1%", LabelBudgetKind.Percent, 1)]
    [InlineData("0.5%", LabelBudgetKind.Percent, 0.5)]
    [InlineData("100%", LabelBudgetKind.Percent, 100)]
    [InlineData("1000", LabelBudgetKind.Images, 1000)]
    public void Parses_the_three_forms(string text, LabelBudgetKind kind, double value)
    {
        var budget = LabelBudget.Parse(text);

        Assert.Equal(new LabelBudget(kind, value), budget);
        Assert.Equal(budget, LabelBudget.Parse(budget.ToString()));
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-5")]
    [InlineData("0%")]
    [InlineData("101%")]
    [InlineData("0/class")]
    [InlineData("ten")]
    [InlineData("1.5")]
    [InlineData("10/klass")]
    public void Refuses_anything_else_with_the_grammar_in_the_message(string text)
    {
        var error = Assert.Throws<FormatException>(() => LabelBudget.Parse(text));

        Assert.Equal($"Label budget '{text}' is not N/class (images per class), P% (0 < P <= 100) or N (images), " +
                     "for example 100/class, 1%, 1000.", error.Message);
    }

    [Fact]
    public void The_standard_table_is_100_per_class_then_1_10_and_100_percent()
    {
        Assert.Equal("100/class,1%,10%,100%", string.Join(',', LabelBudget.Standard));
        Assert.Throws<FormatException>(() => LabelBudget.ParseList(" , "));
    }

    [Theory]
    [InlineData("100/class", 300)]   // three classes present, the empty class 3 takes none
    [InlineData("1%", 10)]           // 1 % of 1,000
    [InlineData("0.25%", 3)]         // 2.5 rounds away from zero
    [InlineData("100%", 1000)]
    [InlineData("42", 42)]
    public void Counts_images_against_the_class_sizes(string text, int images)
    {
        Assert.Equal(images, LabelBudget.Parse(text).ImagesOf([500, 300, 200, 0]));
    }
}
