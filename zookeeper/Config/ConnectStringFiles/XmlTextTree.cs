using System.Globalization;
using System.Text;
using System.Xml;

namespace ZkMitosis.ZooKeeper.Config.ConnectStringFiles;

/// <summary>
/// The elements of an XML file with their character offsets, so a value can be replaced in place and every other byte
/// (comments, whitespace, attribute quoting, other elements) stays. The file is first checked well-formed by
/// <see cref="XmlReader"/> (DTDs refused); the offsets come from a small scanner that skips comments, CDATA sections,
/// processing instructions and quoted attribute values.
/// </summary>
internal sealed class XmlTextTree
{
    private XmlTextTree(string text, XmlTextElement root)
    {
        Text = text;
        Root = root;
    }

    public string Text { get; }

    public XmlTextElement Root { get; }

    /// <exception cref="ConnectStringFileException"><see cref="ConnectStringFileProblem.Malformed"/> when the text is not well-formed XML.</exception>
    public static XmlTextTree Parse(string text)
    {
        CheckWellFormed(text);
        var document = new XmlTextElement("#document", 0, 0, null);
        var current = document;
        var i = 0;
        while (i < text.Length)
        {
            var lt = text.IndexOf('<', i);
            if (lt < 0)
            {
                break;
            }

            if (Starts(text, lt, "<!--"))
            {
                i = Skip(text, lt, "-->");
            }
            else if (Starts(text, lt, "<![CDATA["))
            {
                i = Skip(text, lt, "]]>");
            }
            else if (Starts(text, lt, "<?") || Starts(text, lt, "<!"))
            {
                i = Skip(text, lt, ">");
            }
            else if (Starts(text, lt, "</"))
            {
                var gt = text.IndexOf('>', lt);
                current.CloseStart = lt;
                current.CloseEnd = gt + 1;
                current = current.Parent!;
                i = gt + 1;
            }
            else
            {
                var gt = TagEnd(text, lt);
                var nameEnd = lt + 1;
                while (nameEnd < gt && !char.IsWhiteSpace(text[nameEnd]) && text[nameEnd] is not ('/' or '>'))
                {
                    nameEnd++;
                }

                var element = new XmlTextElement(text[(lt + 1)..nameEnd], lt, gt + 1, current);
                current.Children.Add(element);
                if (text[gt - 1] == '/')
                {
                    element.SelfClosing = true;
                    element.CloseStart = gt + 1;
                    element.CloseEnd = gt + 1;
                }
                else
                {
                    current = element;
                }

                i = gt + 1;
            }
        }

        return new XmlTextTree(text, document.Children.Single());
    }

    /// <summary>An element's text content decoded (entities, character references, CDATA), trimmed as Hadoop and ClickHouse trim it.</summary>
    public string InnerText(XmlTextElement element)
    {
        if (element.SelfClosing)
        {
            return "";
        }

        var raw = Text[element.OpenEnd..element.CloseStart];
        if (raw.Contains('<', StringComparison.Ordinal) && !raw.Contains("<![CDATA[", StringComparison.Ordinal) && !raw.Contains("<!--", StringComparison.Ordinal))
        {
            throw new ConnectStringFileException(ConnectStringFileProblem.Malformed, $"line {ConnectStringFileFormats.LineAt(Text, element.OpenStart)}: <{element.Name}> holds elements where a value belongs");
        }

        using var reader = XmlReader.Create(new StringReader($"<v>{raw}</v>"), new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, IgnoreComments = true });
        reader.MoveToContent();
        return reader.ReadElementContentAsString().Trim();
    }

    /// <summary>The text with <paramref name="element"/>'s content replaced by <paramref name="value"/> (escaped here).</summary>
    public static string ReplaceContent(string text, XmlTextElement element, string value)
    {
        var escaped = Escape(value);
        return element.SelfClosing
            ? string.Concat(text.AsSpan(0, element.OpenStart), $"<{element.Name}>{escaped}</{element.Name}>", text.AsSpan(element.OpenEnd))
            : string.Concat(text.AsSpan(0, element.OpenEnd), escaped, text.AsSpan(element.CloseStart));
    }

    /// <summary>XML's five metacharacters as entities: a hostile value becomes text, never markup.</summary>
    public static string Escape(string value)
    {
        var escaped = new StringBuilder(value.Length);
        foreach (var c in value)
        {
            escaped.Append(c switch
            {
                '&' => "&amp;",
                '<' => "&lt;",
                '>' => "&gt;",
                '"' => "&quot;",
                '\'' => "&apos;",
                _ => c.ToString(),
            });
        }

        return escaped.ToString();
    }

    /// <exception cref="ConnectStringFileException"><see cref="ConnectStringFileProblem.Malformed"/>.</exception>
    public static void CheckWellFormed(string text)
    {
        try
        {
            using var reader = XmlReader.Create(new StringReader(text), new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null });
            while (reader.Read())
            {
            }
        }
        catch (XmlException e)
        {
            throw new ConnectStringFileException(ConnectStringFileProblem.Malformed,
                $"line {e.LineNumber.ToString(CultureInfo.InvariantCulture)}: not well-formed XML ({e.Message.Split('\n')[0].Trim()})");
        }
    }

    private static bool Starts(string text, int at, string prefix) => string.CompareOrdinal(text, at, prefix, 0, prefix.Length) == 0;

    private static int Skip(string text, int at, string terminator) => text.IndexOf(terminator, at, StringComparison.Ordinal) + terminator.Length;

    /// <summary>The '>' closing the tag at <paramref name="lt"/>, skipping quoted attribute values.</summary>
    private static int TagEnd(string text, int lt)
    {
        char? quote = null;
        for (var i = lt + 1; i < text.Length; i++)
        {
            var c = text[i];
            if (quote is { } q)
            {
                if (c == q)
                {
                    quote = null;
                }
            }
            else if (c is '"' or '\'')
            {
                quote = c;
            }
            else if (c == '>')
            {
                return i;
            }
        }

        return text.Length - 1;
    }
}

/// <summary>One element: its open tag <c>[OpenStart, OpenEnd)</c> and close tag <c>[CloseStart, CloseEnd)</c> (equal to OpenEnd when self-closing).</summary>
internal sealed class XmlTextElement(string name, int openStart, int openEnd, XmlTextElement? parent)
{
    public string Name { get; } = name;

    public int OpenStart { get; } = openStart;

    public int OpenEnd { get; } = openEnd;

    public XmlTextElement? Parent { get; } = parent;

    public int CloseStart { get; set; }

    public int CloseEnd { get; set; }

    public bool SelfClosing { get; set; }

    public List<XmlTextElement> Children { get; } = [];

    /// <summary>The children named <paramref name="name"/>.</summary>
    public IReadOnlyList<XmlTextElement> Named(string name) => Children.Where(c => c.Name == name).ToList();
}
