using System.Text;
using Microsoft.Extensions.Options;
using TokenSdk.Credentials;
using TokenSdk.Management;
using TokenSdk.Roles;
using TokenSdk.Storage;

namespace TokenSdk.Samples.WebApi;

/// <summary>
/// Creates the first Organization Administrator token of an empty store and publishes its details in an owner-only
/// file, so that someone can call the management API. Crash-safe: whenever the process dies, the store holds no
/// bootstrap token, or its complete details are on disk; the next start finishes or undoes the interrupted bootstrap.
/// </summary>
/// <remarks>
/// <para>The order, each step durable before the next starts:</para>
/// <list type="number">
/// <item>generate the token in memory (nothing stored yet);</item>
/// <item>write its details to <c>&lt;file&gt;.tmp</c> (new, 0600), fsync it, fsync the directory;</item>
/// <item>store the token;</item>
/// <item>rename <c>&lt;file&gt;.tmp</c> to the file (never over an existing one), fsync the directory.</item>
/// </list>
/// <para>The temporary file is the intent record: it exists, complete, before the token can exist. At start, a
/// temporary file whose token is in the store is published (the crash came after step 3); one whose token is not,
/// or that is incomplete, is deleted (the crash came before step 3 finished). Then, if the store is empty, a new
/// bootstrap begins. A stored token whose file is absent is never touched: the operator may have moved the file
/// away, as they should once the token is kept somewhere safer.</para>
/// </remarks>
public sealed partial class BootstrapAdministrator
{
    /// <summary>The description of the bootstrap token, shown when tokens are listed.</summary>
    public const string Description = "bootstrap administrator";

    /// <summary>Who creates the bootstrap token, as the store and the audit trail record it.</summary>
    public const string ActorId = "bootstrap";

    /// <summary>What is appended to the file's path to name the temporary file.</summary>
    public const string TemporarySuffix = ".tmp";

    private readonly ITokenStore _store;
    private readonly ITokenGenerator _generator;
    private readonly ITokenAuditSink[] _auditSinks;
    private readonly ILogger _logger;
    private readonly string _organizationId;
    private readonly string _directory;

    /// <summary>Creates the bootstrap.</summary>
    /// <param name="path">Where the token's details go.</param>
    /// <param name="store">The store.</param>
    /// <param name="generator">Generates the token.</param>
    /// <param name="organizationId">The organization the token manages.</param>
    /// <param name="auditSinks">Told that the token was generated.</param>
    /// <param name="logger">Logs audit failures.</param>
    public BootstrapAdministrator(
        string path, ITokenStore store, ITokenGenerator generator, string organizationId, IEnumerable<ITokenAuditSink> auditSinks, ILogger<BootstrapAdministrator> logger)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(generator);
        ArgumentException.ThrowIfNullOrEmpty(organizationId);
        ArgumentNullException.ThrowIfNull(auditSinks);
        ArgumentNullException.ThrowIfNull(logger);
        FilePath = Path.GetFullPath(path);
        TemporaryFilePath = FilePath + TemporarySuffix;
        _directory = Path.GetDirectoryName(FilePath)!;
        _store = store;
        _generator = generator;
        _organizationId = organizationId;
        _auditSinks = auditSinks.ToArray();
        _logger = logger;
    }

    /// <summary>Gets the full path of the file that receives the token's details.</summary>
    public string FilePath { get; }

    /// <summary>Gets the full path of the temporary file, written before the token is stored.</summary>
    public string TemporaryFilePath { get; }

    /// <summary>
    /// Gets or sets a hook called after each durable step. Tests throw from it to stop the bootstrap there, as a crash
    /// would, then run a new bootstrap over the same directory as a restart would.
    /// </summary>
    public Action<BootstrapStep>? AfterStep { get; set; }

    /// <summary>Creates the bootstrap from the host's services.</summary>
    /// <param name="services">The services (TokenSdk with a store).</param>
    /// <param name="path">Where the token's details go.</param>
    /// <returns>The bootstrap.</returns>
    public static BootstrapAdministrator Create(IServiceProvider services, string path)
    {
        ArgumentNullException.ThrowIfNull(services);
        return new BootstrapAdministrator(
            path,
            services.GetRequiredService<ITokenStore>(),
            services.GetRequiredService<ITokenGenerator>(),
            services.GetRequiredService<IOptions<TokenSdkOptions>>().Value.DefaultOrganizationId,
            services.GetServices<ITokenAuditSink>(),
            services.GetRequiredService<ILogger<BootstrapAdministrator>>());
    }

    /// <summary>Finishes or undoes an interrupted bootstrap, then creates the administrator token if the store is empty.</summary>
    /// <param name="cancellationToken">Cancels the bootstrap (a crash at the step it stops).</param>
    /// <returns>What was done.</returns>
    /// <exception cref="BootstrapException">The bootstrap needs an operator: the message says what to do.</exception>
    /// <exception cref="TokenStoreException">The store cannot be used.</exception>
    public async Task<BootstrapOutcome> RunAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            bool completed = await RecoverAsync(cancellationToken).ConfigureAwait(false);
            if ((await _store.ListAsync(new TokenListQuery { Limit = 1 }, cancellationToken).ConfigureAwait(false)).Count > 0)
            {
                return completed ? BootstrapOutcome.Completed : BootstrapOutcome.NotNeeded;
            }

            await CreateAsync(cancellationToken).ConfigureAwait(false);
            return BootstrapOutcome.Created;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException && ex is not TokenStoreException)
        {
            throw new BootstrapException($"Cannot write the bootstrap administrator token's details to '{FilePath}': {ex.Message}", ex);
        }
    }

    // A temporary file left by a crash: publish it if its token was stored, delete it otherwise.
    private async Task<bool> RecoverAsync(CancellationToken cancellationToken)
    {
        if (!File.Exists(TemporaryFilePath))
        {
            return false;
        }

        string? clientId = BootstrapFiles.ReadCompleteClientId(TemporaryFilePath);
        bool stored = clientId is not null && await _store.FindAsync(clientId, cancellationToken).ConfigureAwait(false) is not null;
        if (!stored)
        {
            // Cut short, or written but its token never stored: the token was never usable.
            File.Delete(TemporaryFilePath);
            BootstrapFiles.FlushDirectory(_directory);
            Step(BootstrapStep.RecoveryDeletedTemporaryFile);
            return false;
        }

        if (File.Exists(FilePath))
        {
            if (BootstrapFiles.ReadCompleteClientId(FilePath) != clientId)
            {
                throw new BootstrapException(
                    $"'{TemporaryFilePath}' holds the details of the stored administrator token {clientId}, left by an interrupted bootstrap, " +
                    $"but '{FilePath}' exists and holds something else. Keep the file you need, remove the other, and start again.");
            }

            // The rename had linked the file and not yet removed the temporary name.
            File.Delete(TemporaryFilePath);
        }
        else
        {
            BootstrapFiles.PublishWithoutReplacing(TemporaryFilePath, FilePath);
        }

        Step(BootstrapStep.RecoveryPublished);
        BootstrapFiles.FlushDirectory(_directory);
        return true;
    }

    private async Task CreateAsync(CancellationToken cancellationToken)
    {
        if (File.Exists(FilePath))
        {
            throw new BootstrapException(
                $"The token store is empty but '{FilePath}' already exists, from an earlier store. Remove it, or set TOKENSDK_BOOTSTRAP_FILE to another path.");
        }

        BootstrapFiles.EnsureOwnerOnlyDirectory(_directory);
        Step(BootstrapStep.DirectoryReady);

        IssuedToken issued = _generator.Generate(new TokenGenerationRequest(DefaultRoles.OrganizationAdministrator)
        {
            OrganizationId = _organizationId,
            Description = Description,
            CreatedBy = ActorId,
        });
        WriteTemporaryFile(issued.Details);

        cancellationToken.ThrowIfCancellationRequested();
        if (!await _store.TryAddAsync(issued.Record, cancellationToken).ConfigureAwait(false))
        {
            // Another token has this client id (a one in 52^24 chance): the file must not stay as if it were ours.
            File.Delete(TemporaryFilePath);
            BootstrapFiles.FlushDirectory(_directory);
            throw new BootstrapException($"The store refused the bootstrap token's client id {issued.Details.ClientId} as taken; start again.");
        }

        Step(BootstrapStep.TokenStored);
        await AuditAsync(issued.Details).ConfigureAwait(false);

        BootstrapFiles.PublishWithoutReplacing(TemporaryFilePath, FilePath);
        Step(BootstrapStep.Published);
        BootstrapFiles.FlushDirectory(_directory);
        Step(BootstrapStep.DirectoryFlushed);
    }

    private void WriteTemporaryFile(GeneratedToken details)
    {
        // UTF-8 without a byte order mark: tools that read the file (jq, sed) expect none.
        byte[] content = Encoding.UTF8.GetBytes(details.ToJson(indented: true) + "\n");
        using (FileStream file = BootstrapFiles.CreateOwnerOnly(TemporaryFilePath))
        {
            Step(BootstrapStep.TemporaryFileCreated);
            file.Write(content);
            file.Flush(flushToDisk: true);
        }

        // The temporary file's name must be on disk before the token is: it is how a restart finds the token.
        BootstrapFiles.FlushDirectory(_directory);
        Step(BootstrapStep.TemporaryFileWritten);
    }

    private async Task AuditAsync(GeneratedToken details)
    {
        var auditEvent = new TokenAuditEvent
        {
            Kind = TokenAuditEventKind.Generated,
            Operation = "bootstrap",
            OccurredAt = details.GeneratedOn,
            ActorId = ActorId,
            OrganizationId = details.OrganizationId,
            ClientId = details.ClientId,
            RoleId = details.RoleId,
            Detail = "first administrator of an empty store",
        };
        foreach (ITokenAuditSink sink in _auditSinks)
        {
            try
            {
                await sink.WriteAsync(auditEvent, CancellationToken.None).ConfigureAwait(false);
            }
#pragma warning disable CA1031 // As in TokenManager: a failing sink does not undo the token, and the others still hear of it.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                LogAuditFailed(_logger, ex, sink.GetType().Name, details.ClientId);
            }
        }
    }

    private void Step(BootstrapStep step) => AfterStep?.Invoke(step);

    [LoggerMessage(EventId = 1, Level = LogLevel.Error, Message = "The audit sink {Sink} failed to record the bootstrap token {ClientId}.")]
    private static partial void LogAuditFailed(ILogger logger, Exception exception, string sink, string clientId);
}

/// <summary>A durable step of <see cref="BootstrapAdministrator.RunAsync"/>, after which a crash leaves a state the next start handles.</summary>
public enum BootstrapStep
{
    /// <summary>The file's directory exists, owner-only.</summary>
    DirectoryReady,

    /// <summary>The temporary file exists, empty.</summary>
    TemporaryFileCreated,

    /// <summary>The temporary file holds the complete details, on disk; the token is not stored yet.</summary>
    TemporaryFileWritten,

    /// <summary>The token is stored; its details are in the temporary file.</summary>
    TokenStored,

    /// <summary>The temporary file was renamed to the file (the rename not yet flushed to disk).</summary>
    Published,

    /// <summary>The rename is on disk: the bootstrap is complete.</summary>
    DirectoryFlushed,

    /// <summary>At start: a temporary file whose token was never stored was deleted.</summary>
    RecoveryDeletedTemporaryFile,

    /// <summary>At start: a temporary file whose token was stored was published (not yet flushed to disk).</summary>
    RecoveryPublished,
}

/// <summary>What <see cref="BootstrapAdministrator.RunAsync"/> did.</summary>
public enum BootstrapOutcome
{
    /// <summary>The store holds tokens and no bootstrap was interrupted: nothing to do.</summary>
    NotNeeded,

    /// <summary>A new administrator token was created and its details published.</summary>
    Created,

    /// <summary>An interrupted bootstrap's token was in the store: its details were published.</summary>
    Completed,
}

/// <summary>The bootstrap cannot go on without an operator; the message says what to do.</summary>
public sealed class BootstrapException : Exception
{
    /// <summary>Creates the exception.</summary>
    public BootstrapException()
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">What went wrong and what to do.</param>
    public BootstrapException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">What went wrong and what to do.</param>
    /// <param name="innerException">The cause.</param>
    public BootstrapException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
