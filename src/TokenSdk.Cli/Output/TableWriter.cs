namespace TokenSdk.Cli.Output;

/// <summary>
/// Rows of cells written either as an aligned table with a header (for a terminal) or as tab-separated lines
/// without a header (for pipes: one record a line, easy to <c>cut</c>).
/// </summary>
internal sealed class TableWriter
{
    private readonly string[] _headers;
    private readonly List<string[]> _rows = [];

    /// <summary>Creates a table with the given column headers.</summary>
    /// <param name="headers">The headers.</param>
    public TableWriter(params string[] headers)
    {
        _headers = headers;
    }

    /// <summary>Adds a row; a missing cell is empty.</summary>
    /// <param name="cells">The cells, one per column.</param>
    public void AddRow(params string?[] cells)
    {
        string[] row = new string[_headers.Length];
        for (int i = 0; i < row.Length; i++)
        {
            row[i] = Clean(i < cells.Length ? cells[i] : null);
        }

        _rows.Add(row);
    }

    /// <summary>Writes the rows.</summary>
    /// <param name="writer">Where to.</param>
    /// <param name="aligned">An aligned table with a header; otherwise tab-separated lines without one.</param>
    /// <param name="terminal">The terminal, which may show the header in bold.</param>
    public void Write(TextWriter writer, bool aligned, Terminal terminal)
    {
        if (!aligned)
        {
            foreach (string[] row in _rows)
            {
                writer.WriteLine(string.Join('\t', row));
            }

            return;
        }

        int[] widths = new int[_headers.Length];
        for (int i = 0; i < widths.Length; i++)
        {
            widths[i] = Math.Max(_headers[i].Length, _rows.Count == 0 ? 0 : _rows.Max(r => r[i].Length));
        }

        writer.WriteLine(terminal.Bold(Format(_headers, widths)));
        foreach (string[] row in _rows)
        {
            writer.WriteLine(Format(row, widths));
        }
    }

    private static string Format(string[] cells, int[] widths)
    {
        // The last column is not padded, so lines carry no trailing blanks.
        var parts = new string[cells.Length];
        for (int i = 0; i < cells.Length; i++)
        {
            parts[i] = i == cells.Length - 1 ? cells[i] : cells[i].PadRight(widths[i]);
        }

        return string.Join("  ", parts).TrimEnd();
    }

    // A tab or a line break inside a cell (a description, say) would break both layouts.
    private static string Clean(string? cell) =>
        cell is null ? string.Empty : cell.Replace('\t', ' ').Replace('\r', ' ').Replace('\n', ' ');
}
