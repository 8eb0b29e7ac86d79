namespace TokenSdk.Management;

/// <summary>
/// A few striped locks, chosen by organization id, held while a deletion is checked against the deletion policy and
/// done: two concurrent deletions in one organization must not both pass the lock-out guard for its last two manager
/// tokens.
/// </summary>
internal sealed class OrganizationLocks
{
    private readonly SemaphoreSlim[] _locks = Enumerable.Range(0, 16).Select(_ => new SemaphoreSlim(1, 1)).ToArray();

    /// <summary>Waits for the lock of <paramref name="organizationId"/>; dispose the result to release it.</summary>
    public async ValueTask<Held> EnterAsync(string organizationId, CancellationToken cancellationToken)
    {
        SemaphoreSlim semaphore = _locks[(int)((uint)StringComparer.Ordinal.GetHashCode(organizationId) % (uint)_locks.Length)];
        await semaphore.WaitAsync(cancellationToken).ConfigureAwait(false);
        return new Held(semaphore);
    }

    /// <summary>A held lock.</summary>
    internal readonly struct Held : IDisposable
    {
        private readonly SemaphoreSlim _semaphore;

        public Held(SemaphoreSlim semaphore) => _semaphore = semaphore;

        public void Dispose() => _semaphore.Release();
    }
}
