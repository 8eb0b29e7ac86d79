using System.Buffers.Binary;
using TokenSdk.Credentials;

namespace TokenSdk.Storage.FileStore;

/// <summary>What the bytes after the last valid record of the log are.</summary>
internal enum LogTailKind
{
    /// <summary>There are none: the log ends with a valid record.</summary>
    None,

    /// <summary>
    /// A write interrupted by a crash, never acknowledged: a record cut short, or a tail that reads as zeros (space the
    /// file system allocated but the crash did not let it fill).
    /// </summary>
    Torn,

    /// <summary>Anything else, such as a complete record whose checksum does not match: acknowledged data may be lost.</summary>
    Damaged,
}

/// <summary>
/// Tells a torn write apart from damage, for the bytes from the first record that does not read to the end of the
/// log. Only the writer of the log produces those bytes, so what a crash can leave behind is known: the records of
/// one batch, written in order, cut short anywhere or left as zeros from a page boundary on. Everything else is
/// damage, which an operator must look at: it is never cut off automatically.
/// </summary>
internal static class LogTail
{
    /// <summary>The most a torn write can leave: one batch of records is far smaller.</summary>
    public const long MaxTornBytes = 16L << 20;

    /// <summary>File systems write whole pages; a page a crash did not write reads as zeros.</summary>
    private const int PageSize = 4096;

    /// <summary>
    /// A zero run shorter than this can be part of a record (an Add record ends with 8 zero bytes when the token never
    /// expires), so it does not by itself show an unwritten page.
    /// </summary>
    private const int MinUnwrittenRun = 16;

    /// <summary>Classifies <paramref name="tail"/>, the bytes from file offset <paramref name="start"/> to the end of the log.</summary>
    /// <param name="tail">The bytes from the first record that does not read to the end of the file.</param>
    /// <param name="start">The file offset of <paramref name="tail"/>.</param>
    /// <param name="detail">For <see cref="LogTailKind.Torn"/> and <see cref="LogTailKind.Damaged"/>, what the bytes are.</param>
    public static LogTailKind Classify(ReadOnlySpan<byte> tail, long start, out string detail)
    {
        if (tail.IsEmpty)
        {
            detail = string.Empty;
            return LogTailKind.None;
        }

        if (!tail.ContainsAnyExcept((byte)0))
        {
            detail = $"{tail.Length} zero bytes, space allocated for a write the crash did not let the file system fill";
            return LogTailKind.Torn;
        }

        for (int i = 1; i < tail.Length; i++)
        {
            if (LogFormat.TryReadRecord(tail[i..], out _, out _) == LogFormat.ReadStatus.Ok)
            {
                detail = $"the record there is invalid, yet a valid record follows at offset {start + i}";
                return LogTailKind.Damaged;
            }
        }

        if (tail.Length < LogFormat.RecordPrefixLength)
        {
            detail = $"a record cut short within its {LogFormat.RecordPrefixLength}-byte prefix ({tail.Length} bytes)";
            return LogTailKind.Torn;
        }

        uint length = BinaryPrimitives.ReadUInt32LittleEndian(tail);
        if (length is 0 or > LogFormat.MaxRecordLength)
        {
            detail = $"the record's length field reads {length}, which no record has";
            return LogTailKind.Damaged;
        }

        long present = tail.Length - LogFormat.RecordPrefixLength;
        if (present >= length)
        {
            if (UnwrittenPageAt(tail, start) is { } zerosFrom)
            {
                detail = $"a record whose bytes read as zeros from offset {zerosFrom} to the end, a page the crash did not let the file system write";
                return LogTailKind.Torn;
            }

            detail = present == length
                ? "a complete record whose checksum or content is wrong"
                : $"a complete record whose checksum or content is wrong, followed by {present - length} bytes that are no record";
            return LogTailKind.Damaged;
        }

        // Cut short, unless only the length field is damaged: the rest of the file may be the whole record.
        Span<byte> actualLength = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(actualLength, (uint)present);
        if (Crc32C.Compute(actualLength, tail[LogFormat.RecordPrefixLength..]) == BinaryPrimitives.ReadUInt32LittleEndian(tail[4..]))
        {
            detail = $"a complete record of {present} bytes whose length field reads {length}";
            return LogTailKind.Damaged;
        }

        detail = $"a record cut short: {length} payload bytes declared, {present} written";
        return LogTailKind.Torn;
    }

    /// <summary>The file offset from which <paramref name="tail"/> is zeros to its end, when that starts at a page boundary.</summary>
    private static long? UnwrittenPageAt(ReadOnlySpan<byte> tail, long start)
    {
        int lastNonZero = tail.LastIndexOfAnyExcept((byte)0);
        long zerosFrom = start + lastNonZero + 1;
        long firstPage = (zerosFrom + PageSize - 1) / PageSize * PageSize;
        long end = start + tail.Length;
        return end - firstPage >= MinUnwrittenRun ? firstPage : null;
    }
}
