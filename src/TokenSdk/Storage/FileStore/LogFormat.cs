using System.Buffers.Binary;
using System.Text;
using TokenSdk.Credentials;
using TokenSdk.Hashing;

namespace TokenSdk.Storage.FileStore;

/// <summary>
/// The on-disk format of the file store's log: a 32-byte header, then records.
/// <code>
/// header := "TSDKLOG\0" | u16 version | u16 flags | u32 reserved | u64 generation | u32 reserved | u32 crc32c(bytes 0..27)
/// record := u32 length | u32 crc32c(length bytes + payload) | payload (length bytes)
/// payload:= u8 type | fields (little-endian; str = u16 byte count + UTF-8, 0xFFFF for null)
///   Add(1):        str clientId | str org | str role | u8 algorithm | u8 version | str? keyId | 32 bytes V
///                  | i64 createdAt UTC ticks | i16 offset minutes | str? createdBy | str? description | i64 expiresAt UTC ticks (0 = none)
///   Delete(2):     str clientId
///   SetExpiry(3):  str clientId | i64 expiresAt UTC ticks
///   RolePut(4):    str roleId | str org | str name | str description | u16 count | count x str permission
///                  | u16 count | count x str resource | i64 createdAt UTC ticks | i16 offset minutes
///                  | i64 updatedAt UTC ticks | i16 offset minutes | str updatedBy | i64 version      (version 2 only)
///   RoleDelete(5): str roleId                                                                      (version 2 only)
/// </code>
/// The generation is random and changes when compaction replaces the file, which tells other processes to reload.
/// <para>A log that never held a role stays at <see cref="Version"/> 1, byte for byte what earlier releases write. Role
/// records appear only in a log of <see cref="RolesVersion"/> 2: the first role written rewrites the log (a compaction)
/// with a version 2 header, so a release that knows only version 1 refuses the whole file, naming its version, rather
/// than taking the first role record for damage.</para>
/// </summary>
internal static class LogFormat
{
    public const int HeaderLength = 32;
    public const int RecordPrefixLength = 8;

    /// <summary>The longest payload of a token record (Add, Delete, SetExpiry), as release 1 of the format has always read it.</summary>
    public const int MaxPayloadLength = 64 * 1024;

    /// <summary>
    /// The longest payload of a role record, and of any record read: a role of the most permissions and resources of
    /// the longest texts (non-ASCII, 3 UTF-8 bytes a character) takes about 125 KiB.
    /// </summary>
    public const int MaxRecordLength = 256 * 1024;

    /// <summary>The format version of a log without roles.</summary>
    public const ushort Version = 1;

    /// <summary>The format version of a log that holds role records.</summary>
    public const ushort RolesVersion = 2;

    private const ushort NullString = 0xFFFF;
    private static readonly byte[] s_magic = "TSDKLOG\0"u8.ToArray();
    private static readonly UTF8Encoding s_strictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static byte[] CreateHeader(ulong generation, ushort version = Version)
    {
        byte[] header = new byte[HeaderLength];
        s_magic.CopyTo(header, 0);
        BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(8), version);
        BinaryPrimitives.WriteUInt64LittleEndian(header.AsSpan(16), generation);
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(28), Crc32C.Compute(header.AsSpan(0, 28)));
        return header;
    }

    /// <summary>Reads a header; the error says what is wrong with it.</summary>
    public static bool TryReadHeader(ReadOnlySpan<byte> header, out ulong generation, out string? error) =>
        TryReadHeader(header, out generation, out _, out error);

    /// <summary>Reads a header and its format version; the error says what is wrong with it.</summary>
    public static bool TryReadHeader(ReadOnlySpan<byte> header, out ulong generation, out ushort version, out string? error)
    {
        generation = 0;
        version = 0;
        if (header.Length < HeaderLength)
        {
            error = "the file is shorter than its header";
            return false;
        }

        if (!header[..8].SequenceEqual(s_magic))
        {
            error = "the file does not start with the TokenSdk log header (is it a TokenSdk store?)";
            return false;
        }

        if (BinaryPrimitives.ReadUInt32LittleEndian(header[28..]) != Crc32C.Compute(header[..28]))
        {
            error = "the header checksum does not match";
            return false;
        }

        version = BinaryPrimitives.ReadUInt16LittleEndian(header[8..]);
        if (version is not (Version or RolesVersion))
        {
            error = $"the file format version is {version}; this TokenSdk reads versions {Version} and {RolesVersion} (upgrade TokenSdk to open it)";
            return false;
        }

        generation = BinaryPrimitives.ReadUInt64LittleEndian(header[16..]);
        error = null;
        return true;
    }

    /// <summary>The result of reading one record at a position.</summary>
    public enum ReadStatus
    {
        Ok,
        Incomplete,
        Invalid,
    }

    /// <summary>Reads the record at the start of <paramref name="data"/>.</summary>
    public static ReadStatus TryReadRecord(ReadOnlySpan<byte> data, out LogRecord record, out int consumed, SharedTokenFieldsPool? shared = null)
    {
        record = default;
        consumed = 0;
        if (data.Length < RecordPrefixLength)
        {
            return ReadStatus.Incomplete;
        }

        uint length = BinaryPrimitives.ReadUInt32LittleEndian(data);
        if (length is 0 or > MaxRecordLength)
        {
            return ReadStatus.Invalid;
        }

        if (data.Length < RecordPrefixLength + length)
        {
            return ReadStatus.Incomplete;
        }

        uint crc = BinaryPrimitives.ReadUInt32LittleEndian(data[4..]);
        ReadOnlySpan<byte> payload = data.Slice(RecordPrefixLength, (int)length);
        if (crc != Checksum(data[..4], payload) || !TryDecode(payload, out record, shared))
        {
            return ReadStatus.Invalid;
        }

        consumed = RecordPrefixLength + (int)length;
        return ReadStatus.Ok;
    }

    public static void WriteAdd(Stream output, StoredToken token)
    {
        Span<byte> verifier = stackalloc byte[32];
        token.Verifier.CopyValueTo(verifier);
        var payload = new PayloadWriter();
        payload.Byte((byte)RecordType.Add);
        payload.String(token.ClientId);
        payload.String(token.OrganizationId);
        payload.String(token.RoleId);
        payload.Byte((byte)token.Verifier.Algorithm);
        payload.Byte((byte)token.Verifier.Version);
        payload.String(token.Verifier.KeyId);
        payload.Bytes(verifier);
        payload.Int64(token.CreatedAt.UtcTicks);
        payload.Int16((short)token.CreatedAt.Offset.TotalMinutes);
        payload.String(token.CreatedBy);
        payload.String(token.Description);
        // 0 means "no expiry" in the log: an expiry at DateTimeOffset.MinValue is written one tick later, still long past.
        payload.Int64(token.ExpiresAt is { } expiresAt ? Math.Max(expiresAt.UtcTicks, 1) : 0);
        payload.WriteRecord(output);
    }

    public static void WriteDelete(Stream output, string clientId)
    {
        var payload = new PayloadWriter();
        payload.Byte((byte)RecordType.Delete);
        payload.String(clientId);
        payload.WriteRecord(output);
    }

    public static void WriteSetExpiry(Stream output, string clientId, DateTimeOffset expiresAt)
    {
        var payload = new PayloadWriter();
        payload.Byte((byte)RecordType.SetExpiry);
        payload.String(clientId);
        payload.Int64(expiresAt.UtcTicks);
        payload.WriteRecord(output);
    }

    public static void WriteRolePut(Stream output, StoredRole role)
    {
        var payload = new PayloadWriter();
        payload.Byte((byte)RecordType.RolePut);
        payload.String(role.Id);
        payload.String(role.OrganizationId);
        payload.String(role.Name);
        payload.String(role.Description);
        payload.List(role.Permissions);
        payload.List(role.Resources);
        payload.Int64(role.CreatedAt.UtcTicks);
        payload.Int16((short)role.CreatedAt.Offset.TotalMinutes);
        payload.Int64(role.UpdatedAt.UtcTicks);
        payload.Int16((short)role.UpdatedAt.Offset.TotalMinutes);
        payload.String(role.UpdatedBy);
        payload.Int64(role.Version);
        payload.WriteRecord(output, MaxRecordLength, "role", "fewer or shorter permissions and resources");
    }

    public static void WriteRoleDelete(Stream output, string roleId)
    {
        var payload = new PayloadWriter();
        payload.Byte((byte)RecordType.RoleDelete);
        payload.String(roleId);
        payload.WriteRecord(output, MaxRecordLength, "role", "a shorter role id");
    }

    private static uint Checksum(ReadOnlySpan<byte> lengthBytes, ReadOnlySpan<byte> payload) => Crc32C.Compute(lengthBytes, payload);

    private static bool TryDecode(ReadOnlySpan<byte> payload, out LogRecord record, SharedTokenFieldsPool? shared)
    {
        record = default;
        var reader = new PayloadReader(payload);
        if (!reader.Byte(out byte type))
        {
            return false;
        }

        if ((RecordType)type is RecordType.RolePut or RecordType.RoleDelete)
        {
            return TryDecodeRole((RecordType)type, ref reader, out record);
        }

        // Token records are at most MaxPayloadLength bytes: they are read as release 1 of the format read them.
        if (payload.Length > MaxPayloadLength || !reader.String(out string? clientId) || clientId is null
            || !CredentialGenerator.IsClientId(clientId))
        {
            return false;
        }

        switch ((RecordType)type)
        {
            case RecordType.Add:
                Span<byte> value = stackalloc byte[32];
                if (!reader.String(out string? org) || org is null
                    || !reader.String(out string? role) || role is null
                    || !reader.Byte(out byte algorithm) || !reader.Byte(out byte version)
                    || !reader.String(out string? keyId)
                    || !reader.Bytes(value)
                    || !reader.Int64(out long createdTicks) || !reader.Int16(out short offsetMinutes)
                    || !reader.String(out string? createdBy) || !reader.String(out string? description)
                    || !reader.Int64(out long expiresTicks) || !reader.AtEnd
                    || version != StoredVerifier.CurrentVersion || !Enum.IsDefined((VerifierAlgorithm)algorithm)
                    || org.Length == 0 || role.Length == 0)
                {
                    return false;
                }

                try
                {
                    var createdAt = new DateTimeOffset(createdTicks, TimeSpan.Zero).ToOffset(TimeSpan.FromMinutes(offsetMinutes));

                    // Organization, role and key repeat across records: keep one copy of them per combination.
                    var fields = new SharedTokenFields(org, role, (VerifierAlgorithm)algorithm, keyId, createdAt.Offset);
                    var token = new StoredToken(clientId, shared?.Get(fields) ?? fields, value, createdAt.UtcTicks)
                    {
                        CreatedBy = createdBy,
                        Description = description,
                        ExpiresAt = expiresTicks == 0 ? null : new DateTimeOffset(expiresTicks, TimeSpan.Zero),
                    };
                    record = new LogRecord(RecordType.Add, clientId, token, default);
                    return true;
                }
                catch (ArgumentException)
                {
                    return false;
                }

            case RecordType.Delete:
                record = new LogRecord(RecordType.Delete, clientId, null, default);
                return reader.AtEnd;

            case RecordType.SetExpiry:
                if (!reader.Int64(out long ticks) || !reader.AtEnd || ticks is <= 0 or > 3155378975999999999)
                {
                    return false;
                }

                record = new LogRecord(RecordType.SetExpiry, clientId, null, new DateTimeOffset(ticks, TimeSpan.Zero));
                return true;

            default:
                return false;
        }
    }

    private static bool TryDecodeRole(RecordType type, ref PayloadReader reader, out LogRecord record)
    {
        record = default;
        if (!reader.String(out string? id) || !Identifiers.IsValid(id))
        {
            return false;
        }

        if (type == RecordType.RoleDelete)
        {
            record = new LogRecord(RecordType.RoleDelete, string.Empty, null, default, RoleId: id);
            return reader.AtEnd;
        }

        if (!reader.String(out string? org) || org is null
            || !reader.String(out string? name) || name is null
            || !reader.String(out string? description) || description is null
            || !reader.List(StoredRole.MaxPermissions, out string[]? permissions)
            || !reader.List(StoredRole.MaxResources, out string[]? resources)
            || !reader.Int64(out long createdTicks) || !reader.Int16(out short createdOffset)
            || !reader.Int64(out long updatedTicks) || !reader.Int16(out short updatedOffset)
            || !reader.String(out string? updatedBy) || updatedBy is null
            || !reader.Int64(out long version) || !reader.AtEnd)
        {
            return false;
        }

        try
        {
            // The constructor checks the shape (ids, lengths, counts, no control characters, version at least 1).
            var role = new StoredRole(
                id!,
                org,
                name,
                permissions,
                resources,
                description,
                new DateTimeOffset(createdTicks, TimeSpan.Zero).ToOffset(TimeSpan.FromMinutes(createdOffset)),
                new DateTimeOffset(updatedTicks, TimeSpan.Zero).ToOffset(TimeSpan.FromMinutes(updatedOffset)),
                updatedBy,
                version);
            record = new LogRecord(RecordType.RolePut, string.Empty, null, default, role, role.Id);
            return true;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }


    private sealed class PayloadWriter
    {
        private readonly MemoryStream _payload = new(256);

        public void Byte(byte value) => _payload.WriteByte(value);

        public void Bytes(ReadOnlySpan<byte> value) => _payload.Write(value);

        public void Int16(short value)
        {
            Span<byte> buffer = stackalloc byte[2];
            BinaryPrimitives.WriteInt16LittleEndian(buffer, value);
            _payload.Write(buffer);
        }

        public void Int64(long value)
        {
            Span<byte> buffer = stackalloc byte[8];
            BinaryPrimitives.WriteInt64LittleEndian(buffer, value);
            _payload.Write(buffer);
        }

        public void String(string? value)
        {
            Span<byte> length = stackalloc byte[2];
            if (value is null)
            {
                BinaryPrimitives.WriteUInt16LittleEndian(length, NullString);
                _payload.Write(length);
                return;
            }

            byte[] bytes = Encoding.UTF8.GetBytes(value);
            if (bytes.Length >= NullString)
            {
                throw new ArgumentException("A stored text is longer than 65534 UTF-8 bytes.", nameof(value));
            }

            BinaryPrimitives.WriteUInt16LittleEndian(length, (ushort)bytes.Length);
            _payload.Write(length);
            _payload.Write(bytes);
        }

        public void List(IReadOnlyList<string> values)
        {
            Span<byte> count = stackalloc byte[2];
            BinaryPrimitives.WriteUInt16LittleEndian(count, checked((ushort)values.Count));
            _payload.Write(count);
            foreach (string value in values)
            {
                String(value);
            }
        }

        public void WriteRecord(Stream output) =>
            WriteRecord(output, MaxPayloadLength, "token", "shorten the description or creator");

        public void WriteRecord(Stream output, int maxLength, string parameter, string remedy)
        {
            ReadOnlySpan<byte> payload = _payload.GetBuffer().AsSpan(0, (int)_payload.Length);
            if (payload.Length > maxLength)
            {
                throw new ArgumentException(
                    $"The record is {payload.Length} bytes; the file store holds {parameter} records of at most {maxLength} bytes ({remedy}).",
                    parameter);
            }

            Span<byte> prefix = stackalloc byte[RecordPrefixLength];
            BinaryPrimitives.WriteUInt32LittleEndian(prefix, (uint)payload.Length);
            BinaryPrimitives.WriteUInt32LittleEndian(prefix[4..], Checksum(prefix[..4], payload));
            output.Write(prefix);
            output.Write(payload);
        }
    }

    private ref struct PayloadReader(ReadOnlySpan<byte> data)
    {
        private ReadOnlySpan<byte> _data = data;

        public readonly bool AtEnd => _data.IsEmpty;

        public bool Byte(out byte value)
        {
            value = 0;
            if (_data.IsEmpty)
            {
                return false;
            }

            value = _data[0];
            _data = _data[1..];
            return true;
        }

        public bool Bytes(scoped Span<byte> destination)
        {
            if (_data.Length < destination.Length)
            {
                return false;
            }

            _data[..destination.Length].CopyTo(destination);
            _data = _data[destination.Length..];
            return true;
        }

        public bool Int16(out short value)
        {
            value = 0;
            if (_data.Length < 2)
            {
                return false;
            }

            value = BinaryPrimitives.ReadInt16LittleEndian(_data);
            _data = _data[2..];
            return true;
        }

        public bool Int64(out long value)
        {
            value = 0;
            if (_data.Length < 8)
            {
                return false;
            }

            value = BinaryPrimitives.ReadInt64LittleEndian(_data);
            _data = _data[8..];
            return true;
        }

        /// <summary>Reads a u16 count (at most <paramref name="maximum"/>), then that many non-null strings.</summary>
        public bool List(int maximum, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out string[]? values)
        {
            values = null;
            if (_data.Length < 2)
            {
                return false;
            }

            int count = BinaryPrimitives.ReadUInt16LittleEndian(_data);
            _data = _data[2..];
            if (count > maximum)
            {
                return false;
            }

            string[] list = new string[count];
            for (int i = 0; i < count; i++)
            {
                if (!String(out string? value) || value is null)
                {
                    return false;
                }

                list[i] = value;
            }

            values = list;
            return true;
        }

        public bool String(out string? value)
        {
            value = null;
            if (_data.Length < 2)
            {
                return false;
            }

            ushort length = BinaryPrimitives.ReadUInt16LittleEndian(_data);
            _data = _data[2..];
            if (length == NullString)
            {
                return true;
            }

            if (_data.Length < length)
            {
                return false;
            }

            try
            {
                value = s_strictUtf8.GetString(_data[..length]);
            }
            catch (DecoderFallbackException)
            {
                return false;
            }

            _data = _data[length..];
            return true;
        }
    }
}

/// <summary>The kinds of log records.</summary>
internal enum RecordType : byte
{
    Add = 1,
    Delete = 2,
    SetExpiry = 3,

    /// <summary>A role, created or replaced by a new version (format version 2).</summary>
    RolePut = 4,

    /// <summary>A role deleted: its id is never used again (format version 2).</summary>
    RoleDelete = 5,
}

/// <summary>One decoded log record: a token record keyed by <see cref="ClientId"/>, or a role record keyed by <see cref="RoleId"/>.</summary>
internal readonly record struct LogRecord(RecordType Type, string ClientId, StoredToken? Token, DateTimeOffset ExpiresAt, StoredRole? Role = null, string? RoleId = null);
