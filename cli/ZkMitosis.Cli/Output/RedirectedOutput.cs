using Spectre.Console;

namespace ZkMitosis.Cli.Output;

/// <summary>
/// Text for a file or a pipe is not wrapped. Spectre.Console assumes 80 columns when stdout is not a terminal and
/// breaks a long line at the last space before column 80, leaving that space at the end of the line and splitting a
/// phrase ("strategy \nobserver"), which breaks every grep of the output. A reader of a file has no width: each
/// line is printed whole and the pager or editor wraps it if it wants to. Nor does it get colour escapes (Spectre
/// emits them whenever TERM names a colour terminal, even into a file): plain text, as git and ls do.
/// </summary>
internal static class RedirectedOutput
{
    /// <summary>
    /// The width given to Spectre when stdout is redirected: wider than any line the commands print (a line is at
    /// most a few hundred characters), small enough that Spectre's width arithmetic cannot overflow.
    /// </summary>
    public const int UnwrappedWidth = 1 << 20;

    /// <summary>
    /// When stdout is not a terminal, replaces <see cref="AnsiConsole.Console"/> with a plain, unwrapped one on
    /// stdout; a terminal keeps Spectre's detection (its width, colours, live displays).
    /// </summary>
    public static void Apply()
    {
        if (Console.IsOutputRedirected)
        {
            AnsiConsole.Console = Plain(Console.Out);
        }
    }

    /// <summary>A console writing plain text to <paramref name="writer"/>: no escapes, no colours, no wrapping.</summary>
    public static IAnsiConsole Plain(TextWriter writer)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(writer),
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            // Prompts (the typed confirmation) still need a terminal on stdin, as before.
            Interactive = InteractionSupport.Detect,
        });
        console.Profile.Width = UnwrappedWidth;
        return console;
    }
}
