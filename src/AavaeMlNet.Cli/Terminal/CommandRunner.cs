using AavaeMlNet.Training;

namespace AavaeMlNet.Cli.Terminal;

/// <summary>
/// Runs a command body with the tool's error vocabulary: a user error (missing file, bad option, corrupt data) is one
/// line on stderr and exit code 1; Ctrl-C is exit code 130 after the body has written its checkpoint; stack traces
/// only with --verbose. Library errors name API members; the line shows the command's flags
/// (<see cref="FlagVocabulary"/>).
/// </summary>
internal static class CommandRunner
{
    public const int UserError = 1;
    public const int Cancelled = 130;

    public static async Task<int> RunAsync(bool verbose, Func<Task<int>> body)
    {
        try
        {
            return await body();
        }
        catch (OperationCanceledException)
        {
            Console.Error.WriteLine(
                "aavae: cancelled; everything written so far is kept (rerun with --resume where offered).");
            return Cancelled;
        }
        catch (Exception e) when (IsUserError(e))
        {
            Console.Error.WriteLine($"aavae: {Describe(e)}");
            if (verbose) Console.Error.WriteLine(e);
            return UserError;
        }
        catch (Exception e)
        {
            Console.Error.WriteLine($"aavae: internal error: {e.Message}");
            if (verbose) Console.Error.WriteLine(e);
            else Console.Error.WriteLine("aavae: rerun with --verbose for the stack trace.");
            return 70;
        }
    }

    private static bool IsUserError(Exception e) => e is ArgumentException or InvalidDataException
        or FileNotFoundException or DirectoryNotFoundException or TrainingDivergedException
        or UnauthorizedAccessException or HttpRequestException or FormatException or InvalidOperationException
        or IOException or NotSupportedException;

    // One line in the tool's words: an ArgumentException's "(Parameter ...)" dropped, API members as flags.
    private static string Describe(Exception e)
    {
        string? parameter = (e as ArgumentException)?.ParamName;
        string message = e.Message.ReplaceLineEndings(" ");
        if (parameter is not null)
            message = message.Replace($" (Parameter '{parameter}')", "", StringComparison.Ordinal);
        return FlagVocabulary.InFlags(message, parameter);
    }
}
