using TokenSdk.Credentials;
using TokenSdk.Roles;
using TokenSdk.Storage;
using Xunit;

namespace TokenSdk.Testing;

/// <summary>
/// The behaviour every <see cref="IRoleStore"/> must show: roles read back with every field, a new snapshot on every
/// change, ids unique for ever, names unique per organization, compare-and-set on versions, no deletion of a role a
/// token holds, no token added holding a deleted role, and all of it under concurrency. Inherit it in a test project,
/// implement <see cref="CreateStoreAsync"/> with a store that is both an <see cref="ITokenStore"/> and an
/// <see cref="IRoleStore"/>, and xunit runs every test against your store.
/// </summary>
/// <remarks>
/// <para>Each test creates one store and works through it: a write's result, and <see cref="IRoleStore.Roles"/> read
/// when the write returns. The suite has no hook for a second instance; as with <see cref="TokenStoreConformanceTests"/>,
/// a subclass can prove that another node, or the store reopened, agrees by returning a wrapper that writes through one
/// instance and reads through another, refreshed before every read (of <see cref="IRoleStore.Roles"/> too). A refresh
/// that finds nothing changed must keep the snapshot instance: the suite checks that two reads without a change give
/// the same one.</para>
/// <para>Role ids and organizations are fixed (<c>acme</c>, <c>other</c>, <c>role-a</c>...): the store must start
/// empty, with no roles and no deleted role ids.</para>
/// </remarks>
/// <example>
/// <code>
/// public sealed class MyRoleStoreConformanceTests : RoleStoreConformanceTests
/// {
///     protected override ValueTask&lt;ITokenStore&gt; CreateStoreAsync() => new(new MyStore(...));
/// }
/// </code>
/// </example>
public abstract class RoleStoreConformanceTests : IAsyncDisposable
{
    private const string Acme = "acme";
    private const string Other = "other";

    // Not whole seconds: a store that kept seconds only would lose the ticks.
    private static readonly DateTimeOffset s_createdAt = new DateTimeOffset(2031, 3, 3, 9, 0, 0, TimeSpan.Zero).AddTicks(1234567);
    private static readonly DateTimeOffset s_longAgo = new(2001, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private readonly List<ITokenStore> _stores = [];
    private readonly TokenGenerator _generator = new();

    /// <summary>
    /// Creates a new, empty store that implements both <see cref="ITokenStore"/> and <see cref="IRoleStore"/> (no
    /// tokens, no roles, no deleted role ids). Called once or more per test; stores are disposed after the test.
    /// </summary>
    /// <returns>The store.</returns>
    protected abstract ValueTask<ITokenStore> CreateStoreAsync();

    /// <summary>
    /// Gets the precision to which the store keeps a role's times (<see cref="StoredRole.CreatedAt"/> and
    /// <see cref="StoredRole.UpdatedAt"/>): they are compared, as instants, after truncation to it. PostgreSQL keeps
    /// microseconds, .NET 100-nanosecond ticks.
    /// </summary>
    /// <value>The default value is one tick: times are kept exactly.</value>
    protected virtual TimeSpan TimePrecision => TimeSpan.FromTicks(1);

    /// <summary>Gets the cancellation token of the running test.</summary>
    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Disposes the stores created for the test.</summary>
    /// <returns>A task that completes when they are disposed.</returns>
    public async ValueTask DisposeAsync()
    {
        foreach (ITokenStore store in _stores)
        {
            switch (store)
            {
                case IAsyncDisposable asyncDisposable:
                    await asyncDisposable.DisposeAsync().ConfigureAwait(false);
                    break;
                case IDisposable disposable:
                    disposable.Dispose();
                    break;
            }
        }

        GC.SuppressFinalize(this);
    }

    // ---- Add and read back ----

    /// <summary>An added role is in the snapshot, and in the result, with every field intact and in order.</summary>
    [Fact]
    public async Task AddRoleAsync_NewRole_IsReadBackWithEveryField()
    {
        (_, IRoleStore roles) = await StoreAsync();

        // Permissions and resources not in alphabetical order: a store that sorted them would change them.
        var role = new StoredRole(
            "orders-reader",
            Acme,
            "Orders \"Réader\" 🚀",
            [Permissions.DbRest, Permissions.DbCql, Permissions.OrgDbView],
            ["drn:astra:org:acme:db:orders", "drn:astra:org:acme:db:billing:keyspace:ledger"],
            "Reads the orders.\nünïcode, \"quoted\" 🚀",
            s_createdAt,
            s_createdAt.AddTicks(7654321),
            "admin@example.com",
            version: 1);

        RoleStoreResult result = await roles.AddRoleAsync(role, Ct);

        Assert.Equal(RoleStoreStatus.Succeeded, result.Status);
        Assert.True(result.Succeeded);
        AssertRole(role, result.Role);
        Assert.True(roles.Roles.TryGet(role.Id, out StoredRole? found));
        AssertRole(role, found);
        AssertRole(role, Assert.Single(roles.Roles));
        AssertRole(role, Assert.Single(roles.Roles.InOrganization(Acme)));
        AssertRole(role, roles.Roles.FindByName(Acme, role.Name));
        Assert.Empty(roles.Roles.InOrganization(Other));
    }

    /// <summary>A role without description or resources reads back with an empty description and no resources.</summary>
    [Fact]
    public async Task AddRoleAsync_NoDescriptionNorResources_ReadBackEmpty()
    {
        (_, IRoleStore roles) = await StoreAsync();
        var role = new StoredRole("plain", Acme, "Plain", [Permissions.DbCql], [], null, s_createdAt, s_createdAt, "admin", 1);

        Assert.True((await roles.AddRoleAsync(role, Ct)).Succeeded);

        Assert.True(roles.Roles.TryGet("plain", out StoredRole? found));
        Assert.Equal(string.Empty, found.Description);
        Assert.Empty(found.Resources);
        Assert.Equal([Permissions.DbCql], found.Permissions);
    }

    /// <summary>
    /// Every change replaces the snapshot by a new instance and leaves the one read before unchanged; reading twice
    /// without a change gives the same instance (so a reader can tell a change by reference).
    /// </summary>
    [Fact]
    public async Task Roles_EveryChange_ReplacesTheSnapshotAndLeavesTheOldOneUnchanged()
    {
        (_, IRoleStore roles) = await StoreAsync();
        StoredRoleSnapshot empty = roles.Roles;
        Assert.Empty(empty);
        Assert.Same(empty, roles.Roles);

        StoredRole a = NewRole("role-a");
        Assert.True((await roles.AddRoleAsync(a, Ct)).Succeeded);
        StoredRoleSnapshot afterAdd = roles.Roles;

        StoredRole a2 = NextVersion(a);
        Assert.True((await roles.UpdateRoleAsync(a2, Ct)).Succeeded);
        StoredRoleSnapshot afterUpdate = roles.Roles;

        Assert.True((await roles.AddRoleAsync(NewRole("role-b"), Ct)).Succeeded);
        StoredRoleSnapshot afterSecondAdd = roles.Roles;

        Assert.True((await roles.DeleteRoleAsync(Acme, "role-a", null, Ct)).Succeeded);
        StoredRoleSnapshot afterDelete = roles.Roles;

        StoredRoleSnapshot[] snapshots = [empty, afterAdd, afterUpdate, afterSecondAdd, afterDelete];
        Assert.Equal(snapshots.Length, snapshots.Distinct(ReferenceEqualityComparer.Instance).Count());
        Assert.Same(afterDelete, roles.Roles);

        Assert.Empty(empty);
        Assert.Equal(1, Assert.Single(afterAdd).Version);
        Assert.Equal(2, Assert.Single(afterUpdate).Version);
        Assert.Equal(["role-a", "role-b"], afterSecondAdd.Select(r => r.Id).Order(StringComparer.Ordinal));
        Assert.Equal("role-b", Assert.Single(afterDelete).Id);
        Assert.True(afterSecondAdd.TryGet("role-a", out StoredRole? stillThere));
        Assert.Equal(a2.Description, stillThere.Description);
    }

    /// <summary>Ids compare case-insensitively in the snapshot and keep the case they were added with.</summary>
    [Fact]
    public async Task Roles_IdsCompareCaseInsensitively_AndKeepTheirCase()
    {
        (_, IRoleStore roles) = await StoreAsync();
        Assert.True((await roles.AddRoleAsync(NewRole("Orders-Reader", name: "Orders Reader"), Ct)).Succeeded);

        foreach (string id in new[] { "Orders-Reader", "orders-reader", "ORDERS-READER" })
        {
            Assert.True(roles.Roles.TryGet(id, out StoredRole? found), id);
            Assert.Equal("Orders-Reader", found.Id);
        }

        Assert.False(roles.Roles.TryGet("orders-writer", out _));
        Assert.Equal("Orders-Reader", roles.Roles.FindByName(Acme, "ORDERS reader")?.Id);
        Assert.Null(roles.Roles.FindByName(Other, "Orders Reader"));
    }

    /// <summary>A new role must be version 1: another version is an argument error and nothing is added.</summary>
    [Fact]
    public async Task AddRoleAsync_VersionOtherThanOne_ThrowsAndAddsNothing()
    {
        (_, IRoleStore roles) = await StoreAsync();

        await Assert.ThrowsAnyAsync<ArgumentException>(() => roles.AddRoleAsync(NewRole("role-a", version: 2), Ct));

        Assert.Empty(roles.Roles);
        Assert.True((await roles.AddRoleAsync(NewRole("role-a"), Ct)).Succeeded);
    }

    // ---- Ids and names ----

    /// <summary>The id of a live role, in any case and whatever the organization or name, is taken; the role is unchanged.</summary>
    [Fact]
    public async Task AddRoleAsync_IdOfALiveRole_IsIdTaken()
    {
        (_, IRoleStore roles) = await StoreAsync();
        StoredRole original = NewRole("role-a", name: "Alpha");
        Assert.True((await roles.AddRoleAsync(original, Ct)).Succeeded);

        RoleStoreResult same = await roles.AddRoleAsync(NewRole("role-a", name: "Another name"), Ct);
        RoleStoreResult otherCase = await roles.AddRoleAsync(NewRole("ROLE-A", name: "Yet another name"), Ct);
        RoleStoreResult otherOrganization = await roles.AddRoleAsync(NewRole("Role-A", Other, name: "Alpha"), Ct);

        Assert.All([same, otherCase, otherOrganization], r => Assert.Equal(RoleStoreStatus.IdTaken, r.Status));
        Assert.All([same, otherCase, otherOrganization], r => Assert.False(r.Succeeded));
        AssertRole(original, Assert.Single(roles.Roles));
    }

    /// <summary>The id of a deleted role, in any case, is never used again.</summary>
    [Fact]
    public async Task AddRoleAsync_IdOfADeletedRole_IsIdTakenForEver()
    {
        (_, IRoleStore roles) = await StoreAsync();
        Assert.True((await roles.AddRoleAsync(NewRole("retired"), Ct)).Succeeded);
        Assert.True((await roles.DeleteRoleAsync(Acme, "retired", null, Ct)).Succeeded);

        RoleStoreResult same = await roles.AddRoleAsync(NewRole("retired"), Ct);
        RoleStoreResult otherCase = await roles.AddRoleAsync(NewRole("RETIRED", name: "New name"), Ct);
        RoleStoreResult otherOrganization = await roles.AddRoleAsync(NewRole("Retired", Other), Ct);

        Assert.All([same, otherCase, otherOrganization], r => Assert.Equal(RoleStoreStatus.IdTaken, r.Status));
        Assert.Empty(roles.Roles);
    }

    /// <summary>
    /// A name held by another live role of the organization, in any case, is taken (the result names the holder);
    /// the same name in another organization is free.
    /// </summary>
    [Fact]
    public async Task AddRoleAsync_NameTakenInTheOrganizationInAnyCase_IsNameTakenButFreeElsewhere()
    {
        (_, IRoleStore roles) = await StoreAsync();
        Assert.True((await roles.AddRoleAsync(NewRole("role-a", name: "Orders Reader"), Ct)).Succeeded);

        RoleStoreResult same = await roles.AddRoleAsync(NewRole("role-b", name: "Orders Reader"), Ct);
        RoleStoreResult otherCase = await roles.AddRoleAsync(NewRole("role-c", name: "ORDERS reader"), Ct);
        RoleStoreResult otherOrganization = await roles.AddRoleAsync(NewRole("role-d", Other, name: "orders READER"), Ct);

        Assert.All([same, otherCase], r =>
        {
            Assert.Equal(RoleStoreStatus.NameTaken, r.Status);
            Assert.Equal("role-a", r.Role?.Id);
        });
        Assert.Equal(RoleStoreStatus.Succeeded, otherOrganization.Status);
        Assert.Equal(["role-a", "role-d"], roles.Roles.Select(r => r.Id).Order(StringComparer.Ordinal));
        Assert.Equal("role-d", roles.Roles.FindByName(Other, "Orders Reader")?.Id);
    }

    /// <summary>A name freed by deleting its role, or by renaming it, can be taken by a new role.</summary>
    [Fact]
    public async Task AddRoleAsync_NameFreedByDeleteOrRename_CanBeReused()
    {
        (_, IRoleStore roles) = await StoreAsync();
        StoredRole deleted = NewRole("role-a", name: "Alpha");
        StoredRole renamed = NewRole("role-b", name: "Beta");
        Assert.True((await roles.AddRoleAsync(deleted, Ct)).Succeeded);
        Assert.True((await roles.AddRoleAsync(renamed, Ct)).Succeeded);

        Assert.True((await roles.DeleteRoleAsync(Acme, deleted.Id, null, Ct)).Succeeded);
        Assert.True((await roles.UpdateRoleAsync(NextVersion(renamed, name: "Gamma"), Ct)).Succeeded);

        Assert.Equal(RoleStoreStatus.Succeeded, (await roles.AddRoleAsync(NewRole("role-c", name: "ALPHA"), Ct)).Status);
        Assert.Equal(RoleStoreStatus.Succeeded, (await roles.AddRoleAsync(NewRole("role-d", name: "beta"), Ct)).Status);
        Assert.Equal(RoleStoreStatus.NameTaken, (await roles.AddRoleAsync(NewRole("role-e", name: "Gamma"), Ct)).Status);

        Assert.Equal("role-c", roles.Roles.FindByName(Acme, "Alpha")?.Id);
        Assert.Equal("role-d", roles.Roles.FindByName(Acme, "Beta")?.Id);
        Assert.Equal("role-b", roles.Roles.FindByName(Acme, "Gamma")?.Id);
    }

    // ---- Update ----

    /// <summary>An update of the next version replaces the role with every field; a role tokens hold can be updated.</summary>
    [Fact]
    public async Task UpdateRoleAsync_NextVersion_ReplacesTheRoleWithEveryField()
    {
        (ITokenStore tokens, IRoleStore roles) = await StoreAsync();
        StoredRole v1 = NewRole("role-a");
        Assert.True((await roles.AddRoleAsync(v1, Ct)).Succeeded);
        StoredToken holder = TokenOf(Acme, "role-a");
        Assert.True(await tokens.TryAddAsync(holder, Ct));

        var v2 = new StoredRole(
            "role-a",
            Acme,
            "Renamed ünïcode",
            [Permissions.OrgDbView, Permissions.DbCql],
            ["drn:astra:org:acme:db:invoices"],
            "Second version.",
            v1.CreatedAt,
            v1.UpdatedAt.AddTicks(1234567),
            "editor@example.com",
            version: 2);
        RoleStoreResult second = await roles.UpdateRoleAsync(v2, Ct);
        StoredRole v3 = NextVersion(v2);
        RoleStoreResult third = await roles.UpdateRoleAsync(v3, Ct);

        Assert.Equal(RoleStoreStatus.Succeeded, second.Status);
        AssertRole(v2, second.Role);
        Assert.Equal(RoleStoreStatus.Succeeded, third.Status);
        AssertRole(v3, third.Role);
        AssertRole(v3, Assert.Single(roles.Roles));
        Assert.Null(roles.Roles.FindByName(Acme, v1.Name));
        Assert.Equal(["role-a"], (await tokens.FindAsync(holder.ClientId, Ct))?.RoleIds);
    }

    /// <summary>
    /// An update of a stale version (one another writer already replaced) is refused with the stored role, and the
    /// role is unchanged.
    /// </summary>
    [Fact]
    public async Task UpdateRoleAsync_StaleVersion_IsVersionMismatchCarryingTheStoredRole()
    {
        (_, IRoleStore roles) = await StoreAsync();
        StoredRole v1 = NewRole("role-a");
        Assert.True((await roles.AddRoleAsync(v1, Ct)).Succeeded);
        StoredRole winner = NextVersion(v1, name: "Winner");
        Assert.True((await roles.UpdateRoleAsync(winner, Ct)).Succeeded);

        RoleStoreResult stale = await roles.UpdateRoleAsync(NextVersion(v1, name: "Loser"), Ct);

        Assert.Equal(RoleStoreStatus.VersionMismatch, stale.Status);
        AssertRole(winner, stale.Role);
        AssertRole(winner, Assert.Single(roles.Roles));
    }

    /// <summary>An update must be exactly one version ahead: the same version, or one that skips ahead, is refused.</summary>
    [Fact]
    public async Task UpdateRoleAsync_SameOrSkippedAheadVersion_IsVersionMismatch()
    {
        (_, IRoleStore roles) = await StoreAsync();
        StoredRole v1 = NewRole("role-a");
        Assert.True((await roles.AddRoleAsync(v1, Ct)).Succeeded);

        RoleStoreResult sameVersion = await roles.UpdateRoleAsync(NextVersion(v1, version: 1), Ct);
        RoleStoreResult skipped = await roles.UpdateRoleAsync(NextVersion(v1, version: 3), Ct);

        Assert.All([sameVersion, skipped], r =>
        {
            Assert.Equal(RoleStoreStatus.VersionMismatch, r.Status);
            AssertRole(v1, r.Role);
        });
        AssertRole(v1, Assert.Single(roles.Roles));
        Assert.True((await roles.UpdateRoleAsync(NextVersion(v1, version: 2), Ct)).Succeeded);
    }

    /// <summary>An update of an unknown or deleted id, or of a role of another organization, is not found; nothing changes.</summary>
    [Fact]
    public async Task UpdateRoleAsync_UnknownDeletedOrOtherOrganization_IsNotFound()
    {
        (_, IRoleStore roles) = await StoreAsync();
        StoredRole acmes = NewRole("role-a");
        Assert.True((await roles.AddRoleAsync(acmes, Ct)).Succeeded);
        Assert.True((await roles.AddRoleAsync(NewRole("retired"), Ct)).Succeeded);
        Assert.True((await roles.DeleteRoleAsync(Acme, "retired", null, Ct)).Succeeded);

        RoleStoreResult unknown = await roles.UpdateRoleAsync(NewRole("unknown", version: 2), Ct);
        RoleStoreResult deleted = await roles.UpdateRoleAsync(NewRole("retired", version: 2), Ct);
        RoleStoreResult otherOrganization = await roles.UpdateRoleAsync(NewRole("role-a", Other, version: 2), Ct);

        Assert.All([unknown, deleted, otherOrganization], r =>
        {
            Assert.Equal(RoleStoreStatus.NotFound, r.Status);
            Assert.Null(r.Role);
        });
        AssertRole(acmes, Assert.Single(roles.Roles));
        Assert.Empty(roles.Roles.InOrganization(Other));
    }

    /// <summary>
    /// Renaming to the name of another role of the organization, in any case, is refused with the holder; to a name
    /// held in another organization only, it is allowed.
    /// </summary>
    [Fact]
    public async Task UpdateRoleAsync_RenameToANameTakenInTheOrganization_IsNameTaken()
    {
        (_, IRoleStore roles) = await StoreAsync();
        StoredRole alpha = NewRole("role-a", name: "Alpha");
        StoredRole beta = NewRole("role-b", name: "Beta");
        Assert.True((await roles.AddRoleAsync(alpha, Ct)).Succeeded);
        Assert.True((await roles.AddRoleAsync(beta, Ct)).Succeeded);
        Assert.True((await roles.AddRoleAsync(NewRole("role-o", Other, name: "Omega"), Ct)).Succeeded);

        RoleStoreResult taken = await roles.UpdateRoleAsync(NextVersion(beta, name: "ALPHA"), Ct);

        Assert.Equal(RoleStoreStatus.NameTaken, taken.Status);
        Assert.Equal("role-a", taken.Role?.Id);
        Assert.True(roles.Roles.TryGet("role-b", out StoredRole? unchanged));
        AssertRole(beta, unchanged);

        RoleStoreResult elsewhere = await roles.UpdateRoleAsync(NextVersion(beta, name: "Omega"), Ct);
        Assert.Equal(RoleStoreStatus.Succeeded, elsewhere.Status);
        Assert.Equal("role-b", roles.Roles.FindByName(Acme, "omega")?.Id);
        Assert.Equal("role-o", roles.Roles.FindByName(Other, "omega")?.Id);
    }

    /// <summary>A role can be renamed to its own name in another case.</summary>
    [Fact]
    public async Task UpdateRoleAsync_RenameToItsOwnNameInAnotherCase_Succeeds()
    {
        (_, IRoleStore roles) = await StoreAsync();
        StoredRole alpha = NewRole("role-a", name: "Alpha");
        Assert.True((await roles.AddRoleAsync(alpha, Ct)).Succeeded);

        RoleStoreResult result = await roles.UpdateRoleAsync(NextVersion(alpha, name: "ALPHA"), Ct);

        Assert.Equal(RoleStoreStatus.Succeeded, result.Status);
        StoredRole? found = roles.Roles.FindByName(Acme, "alpha");
        Assert.Equal("ALPHA", found?.Name);
        Assert.Equal(2, found?.Version);
    }

    /// <summary>An update naming the id in another case applies to the role, which keeps the spelling it was created with.</summary>
    [Fact]
    public async Task UpdateRoleAsync_IdInAnotherCase_KeepsTheStoredSpelling()
    {
        (_, IRoleStore roles) = await StoreAsync();
        StoredRole role = NewRole("Role-Mixed");
        Assert.True((await roles.AddRoleAsync(role, Ct)).Succeeded);
        StoredRole next = NextVersion(role);
        var recased = new StoredRole("ROLE-MIXED", next.OrganizationId, next.Name, next.Permissions, next.Resources, next.Description, next.CreatedAt, next.UpdatedAt, next.UpdatedBy, next.Version);

        RoleStoreResult result = await roles.UpdateRoleAsync(recased, Ct);

        Assert.Equal(RoleStoreStatus.Succeeded, result.Status);
        Assert.Equal("Role-Mixed", result.Role?.Id);
        Assert.True(roles.Roles.TryGet("role-mixed", out StoredRole? stored));
        Assert.Equal("Role-Mixed", stored.Id);
        Assert.Equal(2, stored.Version);
    }

    // ---- Delete ----

    /// <summary>Deleting a live role returns it and removes it from the snapshot, by id in any case, name and organization.</summary>
    [Fact]
    public async Task DeleteRoleAsync_LiveRole_RemovesItAndReturnsIt()
    {
        (_, IRoleStore roles) = await StoreAsync();
        StoredRole doomed = NewRole("role-a", name: "Alpha");
        StoredRole kept = NewRole("role-b", name: "Beta");
        Assert.True((await roles.AddRoleAsync(doomed, Ct)).Succeeded);
        Assert.True((await roles.AddRoleAsync(kept, Ct)).Succeeded);

        RoleStoreResult result = await roles.DeleteRoleAsync(Acme, "role-a", null, Ct);

        Assert.Equal(RoleStoreStatus.Succeeded, result.Status);
        AssertRole(doomed, result.Role);
        Assert.False(roles.Roles.TryGet("role-a", out _));
        Assert.False(roles.Roles.TryGet("ROLE-A", out _));
        Assert.Null(roles.Roles.FindByName(Acme, "Alpha"));
        AssertRole(kept, Assert.Single(roles.Roles.InOrganization(Acme)));
    }

    /// <summary>Deleting an unknown id, a role of another organization, or a role already deleted is not found.</summary>
    [Fact]
    public async Task DeleteRoleAsync_UnknownOtherOrganizationOrAlreadyDeleted_IsNotFound()
    {
        (_, IRoleStore roles) = await StoreAsync();
        StoredRole acmes = NewRole("role-a");
        Assert.True((await roles.AddRoleAsync(acmes, Ct)).Succeeded);
        Assert.True((await roles.AddRoleAsync(NewRole("retired"), Ct)).Succeeded);
        Assert.True((await roles.DeleteRoleAsync(Acme, "retired", null, Ct)).Succeeded);

        RoleStoreResult[] results =
        [
            await roles.DeleteRoleAsync(Acme, "unknown", null, Ct),
            await roles.DeleteRoleAsync(Other, "role-a", null, Ct),
            await roles.DeleteRoleAsync(Other, "role-a", 1, Ct),
            await roles.DeleteRoleAsync(Acme, "retired", null, Ct),
            await roles.DeleteRoleAsync(Acme, "RETIRED", 1, Ct),
        ];

        Assert.All(results, r =>
        {
            Assert.Equal(RoleStoreStatus.NotFound, r.Status);
            Assert.Null(r.Role);
        });
        AssertRole(acmes, Assert.Single(roles.Roles));
    }

    /// <summary>Deleting with an expected version deletes only that version; another is refused with the stored role.</summary>
    [Fact]
    public async Task DeleteRoleAsync_ExpectedVersionDiffers_IsVersionMismatchAndKeepsTheRole()
    {
        (_, IRoleStore roles) = await StoreAsync();
        StoredRole v1 = NewRole("role-a");
        Assert.True((await roles.AddRoleAsync(v1, Ct)).Succeeded);
        StoredRole v2 = NextVersion(v1);
        Assert.True((await roles.UpdateRoleAsync(v2, Ct)).Succeeded);

        RoleStoreResult older = await roles.DeleteRoleAsync(Acme, "role-a", 1, Ct);
        RoleStoreResult newer = await roles.DeleteRoleAsync(Acme, "role-a", 3, Ct);

        Assert.All([older, newer], r =>
        {
            Assert.Equal(RoleStoreStatus.VersionMismatch, r.Status);
            AssertRole(v2, r.Role);
        });
        AssertRole(v2, Assert.Single(roles.Roles));

        RoleStoreResult matching = await roles.DeleteRoleAsync(Acme, "role-a", 2, Ct);
        Assert.Equal(RoleStoreStatus.Succeeded, matching.Status);
        Assert.Empty(roles.Roles);
    }

    /// <summary>
    /// A role held by tokens is not deleted: the result counts exactly the stored tokens holding it, whether as their
    /// only role or among several, with its id in any case; deleted tokens and tokens of other roles are not counted.
    /// </summary>
    [Fact]
    public async Task DeleteRoleAsync_HeldByTokens_IsInUseWithTheExactCount()
    {
        (ITokenStore tokens, IRoleStore roles) = await StoreAsync();
        StoredRole held = NewRole("orders-reader");
        Assert.True((await roles.AddRoleAsync(held, Ct)).Succeeded);
        Assert.True((await roles.AddRoleAsync(NewRole("billing-reader"), Ct)).Succeeded);

        StoredToken onlyRole = TokenOf(Acme, "orders-reader");
        StoredToken amongSeveral = TokenOf(Acme, DefaultRoles.ReadOnlyUser.Id, "billing-reader", "orders-reader");
        StoredToken otherCase = TokenOf(Acme, "ORDERS-READER");
        StoredToken deletedToken = TokenOf(Acme, "orders-reader");
        StoredToken otherRole = TokenOf(Acme, "billing-reader");
        foreach (StoredToken token in new[] { onlyRole, amongSeveral, otherCase, deletedToken, otherRole })
        {
            Assert.True(await tokens.TryAddAsync(token, Ct));
        }

        Assert.True(await tokens.DeleteAsync(deletedToken.ClientId, Ct));

        RoleStoreResult result = await roles.DeleteRoleAsync(Acme, "orders-reader", null, Ct);
        RoleStoreResult withVersion = await roles.DeleteRoleAsync(Acme, "orders-reader", 1, Ct);

        Assert.All([result, withVersion], r =>
        {
            Assert.Equal(RoleStoreStatus.InUse, r.Status);
            Assert.Equal(3, r.TokenCount);
            AssertRole(held, r.Role);
        });
        Assert.True(roles.Roles.TryGet("orders-reader", out StoredRole? stillLive));
        AssertRole(held, stillLive);

        RoleStoreResult other = await roles.DeleteRoleAsync(Acme, "billing-reader", null, Ct);
        Assert.Equal(RoleStoreStatus.InUse, other.Status);
        Assert.Equal(2, other.TokenCount);
    }

    /// <summary>An expired token not yet purged still holds its role; once it is deleted (purged), the role can be deleted.</summary>
    [Fact]
    public async Task DeleteRoleAsync_HeldByAnExpiredTokenNotYetPurged_IsInUse()
    {
        (ITokenStore tokens, IRoleStore roles) = await StoreAsync();
        Assert.True((await roles.AddRoleAsync(NewRole("orders-reader"), Ct)).Succeeded);
        StoredToken expired = TokenOf(Acme, "orders-reader");
        Assert.True(await tokens.TryAddAsync(expired, Ct));
        Assert.True(await tokens.SetExpiryAsync(expired.ClientId, s_longAgo, Ct));

        RoleStoreResult inUse = await roles.DeleteRoleAsync(Acme, "orders-reader", null, Ct);

        Assert.Equal(RoleStoreStatus.InUse, inUse.Status);
        Assert.Equal(1, inUse.TokenCount);

        Assert.True(await tokens.DeleteAsync(expired.ClientId, Ct));
        Assert.Equal(RoleStoreStatus.Succeeded, (await roles.DeleteRoleAsync(Acme, "orders-reader", null, Ct)).Status);
        Assert.Empty(roles.Roles);
    }

    /// <summary>Once every token holding a role is deleted, the role can be deleted.</summary>
    [Fact]
    public async Task DeleteRoleAsync_AfterTheHoldingTokensAreDeleted_Succeeds()
    {
        (ITokenStore tokens, IRoleStore roles) = await StoreAsync();
        StoredRole role = NewRole("orders-reader");
        Assert.True((await roles.AddRoleAsync(role, Ct)).Succeeded);
        StoredToken[] holders = [TokenOf(Acme, "orders-reader"), TokenOf(Acme, "orders-reader", DefaultRoles.ReadOnlyUser.Id)];
        foreach (StoredToken token in holders)
        {
            Assert.True(await tokens.TryAddAsync(token, Ct));
        }

        Assert.Equal(2, (await roles.DeleteRoleAsync(Acme, "orders-reader", null, Ct)).TokenCount);
        Assert.True(await tokens.DeleteAsync(holders[0].ClientId, Ct));
        Assert.Equal(1, (await roles.DeleteRoleAsync(Acme, "orders-reader", null, Ct)).TokenCount);
        Assert.True(await tokens.DeleteAsync(holders[1].ClientId, Ct));

        RoleStoreResult result = await roles.DeleteRoleAsync(Acme, "orders-reader", 1, Ct);

        Assert.Equal(RoleStoreStatus.Succeeded, result.Status);
        AssertRole(role, result.Role);
        Assert.Empty(roles.Roles);
    }

    // ---- Tokens and roles ----

    /// <summary>
    /// A token holding a deleted role, with its id in any case and alone or among several roles, is refused with
    /// <see cref="RoleDeletedException"/> and leaves no trace: it is not found or listed, and its client id can
    /// still be added with a live role.
    /// </summary>
    [Fact]
    public async Task TryAddAsync_TokenHoldingADeletedRole_ThrowsAndAddsNothing()
    {
        (ITokenStore tokens, IRoleStore roles) = await StoreAsync();
        Assert.True((await roles.AddRoleAsync(NewRole("retired"), Ct)).Succeeded);
        Assert.True((await roles.AddRoleAsync(NewRole("orders-reader"), Ct)).Succeeded);
        Assert.True((await roles.DeleteRoleAsync(Acme, "retired", null, Ct)).Succeeded);

        StoredToken alone = TokenOf(Acme, "retired");
        StoredToken otherCase = TokenOf(Acme, "RETIRED");
        StoredToken amongSeveral = TokenOf(Acme, DefaultRoles.ReadOnlyUser.Id, "orders-reader", "Retired");

        foreach (StoredToken token in new[] { alone, otherCase, amongSeveral })
        {
            RoleDeletedException refused = await Assert.ThrowsAsync<RoleDeletedException>(() => tokens.TryAddAsync(token, Ct));
            Assert.Equal("retired", refused.RoleId, ignoreCase: true);
            Assert.Null(await tokens.FindAsync(token.ClientId, Ct));
        }

        Assert.Empty(await tokens.ListAsync(new TokenListQuery(), Ct));
        Assert.Empty(await tokens.ListAsync(new TokenListQuery { OrganizationId = Acme }, Ct));

        // The refused client id was never stored (nor deleted): it can be added with live roles.
        var retried = new StoredToken(alone.ClientId, Acme, ["orders-reader"], alone.Verifier, alone.CreatedAt);
        Assert.True(await tokens.TryAddAsync(retried, Ct));
        Assert.Equal(["orders-reader"], (await tokens.FindAsync(alone.ClientId, Ct))?.RoleIds);
        Assert.Equal(1, (await roles.DeleteRoleAsync(Acme, "orders-reader", null, Ct)).TokenCount);
    }

    /// <summary>
    /// Tokens of default role ids (never stored) are added, found and deleted as usual in a store with live and
    /// deleted roles, and do not hold stored roles back from deletion.
    /// </summary>
    [Fact]
    public async Task TryAddAsync_TokensOfDefaultRoles_AreUnaffectedByStoredRoles()
    {
        (ITokenStore tokens, IRoleStore roles) = await StoreAsync();
        Assert.True((await roles.AddRoleAsync(NewRole("orders-reader"), Ct)).Succeeded);
        Assert.True((await roles.AddRoleAsync(NewRole("retired"), Ct)).Succeeded);
        Assert.True((await roles.DeleteRoleAsync(Acme, "retired", null, Ct)).Succeeded);

        StoredToken single = NewDefaultToken(Acme);
        StoredToken several = TokenOf(Acme, DefaultRoles.DatabaseAdministrator.Id, DefaultRoles.BillingAdministrator.Id);
        StoredToken withLiveRole = TokenOf(Other, DefaultRoles.ReadWriteUser.Id, "orders-reader");
        foreach (StoredToken token in new[] { single, several, withLiveRole })
        {
            Assert.True(await tokens.TryAddAsync(token, Ct));
            Assert.Equal(token.RoleIds, (await tokens.FindAsync(token.ClientId, Ct))?.RoleIds);
        }

        Assert.Equal(3, (await tokens.ListAsync(new TokenListQuery(), Ct)).Count);
        Assert.True(await tokens.DeleteAsync(withLiveRole.ClientId, Ct));
        Assert.Equal(RoleStoreStatus.Succeeded, (await roles.DeleteRoleAsync(Acme, "orders-reader", null, Ct)).Status);
        Assert.Empty(roles.Roles);

        StoredToken later = NewDefaultToken(Acme);
        Assert.True(await tokens.TryAddAsync(later, Ct));
        Assert.NotNull(await tokens.FindAsync(later.ClientId, Ct));
    }

    // ---- Concurrency ----

    /// <summary>Of concurrent updates from the same version, exactly one succeeds; the others see its version.</summary>
    [Fact]
    public async Task UpdateRoleAsync_ConcurrentFromTheSameVersion_ExactlyOneSucceeds()
    {
        (_, IRoleStore roles) = await StoreAsync();
        StoredRole current = NewRole("role-a");
        Assert.True((await roles.AddRoleAsync(current, Ct)).Succeeded);

        for (int round = 0; round < 10; round++)
        {
            StoredRole from = current;
            RoleStoreResult[] results = await Racers.RunAsync(6, i => roles.UpdateRoleAsync(NextVersion(from, name: $"Name {round}-{i}"), Ct), Ct);

            RoleStoreResult winner = Assert.Single(results, r => r.Succeeded);
            Assert.NotNull(winner.Role);
            Assert.Equal(from.Version + 1, winner.Role.Version);
            Assert.All(results.Where(r => !r.Succeeded), r =>
            {
                Assert.Equal(RoleStoreStatus.VersionMismatch, r.Status);
                Assert.Equal(winner.Role.Name, r.Role?.Name);
                Assert.Equal(from.Version + 1, r.Role?.Version);
            });
            Assert.True(roles.Roles.TryGet("role-a", out StoredRole? stored));
            AssertRole(winner.Role, stored);
            current = stored;
        }

        Assert.Equal(11, current.Version);
    }

    /// <summary>Of concurrent adds of one name (in any case) in one organization, exactly one succeeds.</summary>
    [Fact]
    public async Task AddRoleAsync_ConcurrentWithTheSameName_ExactlyOneSucceeds()
    {
        (_, IRoleStore roles) = await StoreAsync();
        for (int round = 0; round < 10; round++)
        {
            string name = $"Shared {round}";
            RoleStoreResult[] results = await Racers.RunAsync(
                6,
                i => roles.AddRoleAsync(NewRole($"role-{round}-{i}", name: i % 2 == 0 ? name : name.ToUpperInvariant()), Ct),
                Ct);

            RoleStoreResult winner = Assert.Single(results, r => r.Succeeded);
            Assert.All(results.Where(r => !r.Succeeded), r =>
            {
                Assert.Equal(RoleStoreStatus.NameTaken, r.Status);
                Assert.Equal(winner.Role?.Id, r.Role?.Id);
            });
            Assert.Equal(winner.Role?.Id, roles.Roles.FindByName(Acme, name)?.Id);
        }

        Assert.Equal(10, roles.Roles.InOrganization(Acme).Count);
    }

    /// <summary>Of concurrent adds of one id (in any case), exactly one succeeds.</summary>
    [Fact]
    public async Task AddRoleAsync_ConcurrentWithTheSameId_ExactlyOneSucceeds()
    {
        (_, IRoleStore roles) = await StoreAsync();
        for (int round = 0; round < 10; round++)
        {
            string id = $"role-{round}";
            RoleStoreResult[] results = await Racers.RunAsync(
                6,
                i => roles.AddRoleAsync(NewRole(i % 2 == 0 ? id : id.ToUpperInvariant(), i < 3 ? Acme : Other, name: $"Name {round}-{i}"), Ct),
                Ct);

            RoleStoreResult winner = Assert.Single(results, r => r.Succeeded);
            Assert.All(results.Where(r => !r.Succeeded), r => Assert.Equal(RoleStoreStatus.IdTaken, r.Status));
            Assert.True(roles.Roles.TryGet(id, out StoredRole? stored));
            Assert.Equal(winner.Role?.Name, stored.Name);
        }

        Assert.Equal(10, roles.Roles.Count);
    }

    /// <summary>Of concurrent deletions of one role, exactly one succeeds; the others find no role.</summary>
    [Fact]
    public async Task DeleteRoleAsync_Concurrent_ExactlyOneSucceeds()
    {
        (_, IRoleStore roles) = await StoreAsync();
        for (int round = 0; round < 10; round++)
        {
            string id = $"role-{round}";
            Assert.True((await roles.AddRoleAsync(NewRole(id), Ct)).Succeeded);

            RoleStoreResult[] results = await Racers.RunAsync(6, i => roles.DeleteRoleAsync(Acme, id, i % 2 == 0 ? null : 1, Ct), Ct);

            Assert.Single(results, r => r.Succeeded);
            Assert.All(results.Where(r => !r.Succeeded), r => Assert.Equal(RoleStoreStatus.NotFound, r.Status));
            Assert.False(roles.Roles.TryGet(id, out _));
        }
    }

    /// <summary>
    /// A deletion racing adds of tokens holding the role never leaves a token holding a deleted role: either the
    /// deletion is refused (in use) and every add lands, or it succeeds and every add is refused with
    /// <see cref="RoleDeletedException"/>.
    /// </summary>
    [Fact]
    public async Task DeleteRoleAsync_RacingAddsOfTokensHoldingIt_NeverLeavesATokenHoldingADeletedRole()
    {
        const int Adders = 3;
        (ITokenStore tokens, IRoleStore roles) = await StoreAsync();
        for (int round = 0; round < 20; round++)
        {
            string id = $"raced-{round}";
            Assert.True((await roles.AddRoleAsync(NewRole(id), Ct)).Succeeded);
            StoredToken[] holders = [.. Enumerable.Range(0, Adders).Select(i => i == 0 ? TokenOf(Acme, id) : TokenOf(Acme, DefaultRoles.ReadOnlyUser.Id, id))];
            RoleStoreResult? deletion = null;
            var added = new bool?[Adders];

            await Racers.RunAsync(
                1 + Adders,
                async i =>
                {
                    if (i == 0)
                    {
                        deletion = await roles.DeleteRoleAsync(Acme, id, null, Ct).ConfigureAwait(false);
                        return i;
                    }

                    try
                    {
                        added[i - 1] = await tokens.TryAddAsync(holders[i - 1], Ct).ConfigureAwait(false);
                    }
                    catch (RoleDeletedException refused) when (string.Equals(refused.RoleId, id, StringComparison.OrdinalIgnoreCase))
                    {
                        added[i - 1] = null;
                    }

                    return i;
                },
                Ct);

            Assert.NotNull(deletion);
            StoredToken?[] found = new StoredToken?[Adders];
            for (int i = 0; i < Adders; i++)
            {
                found[i] = await tokens.FindAsync(holders[i].ClientId, Ct);
            }

            if (deletion.Succeeded)
            {
                Assert.All(added, a => Assert.Null(a));
                Assert.All(found, Assert.Null);
                Assert.False(roles.Roles.TryGet(id, out _));
            }
            else
            {
                Assert.Equal(RoleStoreStatus.InUse, deletion.Status);
                Assert.InRange(deletion.TokenCount, 1, Adders);
                Assert.All(added, a => Assert.True(a));
                Assert.All(found, Assert.NotNull);
                Assert.True(roles.Roles.TryGet(id, out _));
                Assert.Equal(Adders, (await roles.DeleteRoleAsync(Acme, id, null, Ct)).TokenCount);
            }
        }

        // Whatever the interleavings, every stored token holds only live roles or default ones.
        foreach (StoredToken token in await tokens.ListAsync(new TokenListQuery { Limit = TokenListQuery.MaxLimit }, Ct))
        {
            Assert.All(token.RoleIds, roleId => Assert.True(
                roleId == DefaultRoles.ReadOnlyUser.Id || roles.Roles.TryGet(roleId, out _),
                $"Token {token.ClientId} holds the deleted role {roleId}."));
        }
    }

    /// <summary>The store rejects null arguments.</summary>
    [Fact]
    public async Task Methods_NullArguments_Throw()
    {
        (_, IRoleStore roles) = await StoreAsync();

        await Assert.ThrowsAnyAsync<ArgumentException>(() => roles.AddRoleAsync(null!, Ct));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => roles.UpdateRoleAsync(null!, Ct));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => roles.DeleteRoleAsync(null!, "role-a", null, Ct));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => roles.DeleteRoleAsync(Acme, null!, null, Ct));
    }

    // ---- Helpers ----

    private static StoredRole NewRole(string id, string organizationId = Acme, string? name = null, long version = 1) =>
        new(
            id,
            organizationId,
            name ?? $"Role {id}",
            [Permissions.DbCql, Permissions.OrgDbView],
            [$"drn:astra:org:{organizationId}:db:orders"],
            $"The role {id}.",
            s_createdAt,
            s_createdAt.AddMinutes(version - 1),
            "admin@example.com",
            version);

    // The next version of a role (or the version given): another description, time and author.
    private static StoredRole NextVersion(StoredRole role, string? name = null, long? version = null) =>
        new(
            role.Id,
            role.OrganizationId,
            name ?? role.Name,
            role.Permissions,
            role.Resources,
            $"Version {version ?? role.Version + 1}.",
            role.CreatedAt,
            role.UpdatedAt.AddMinutes(1),
            "editor@example.com",
            version ?? role.Version + 1);

    private async Task<(ITokenStore Tokens, IRoleStore Roles)> StoreAsync()
    {
        ITokenStore store = await CreateStoreAsync().ConfigureAwait(false);
        _stores.Add(store);
        IRoleStore roles = Assert.IsAssignableFrom<IRoleStore>(store);
        return (store, roles);
    }

    // A record as the generator makes it, for a token of a default role.
    private StoredToken NewDefaultToken(string organizationId) =>
        _generator.Generate(new TokenGenerationRequest(DefaultRoles.ReadOnlyUser) { OrganizationId = organizationId, CreatedBy = "conformance-suite" }).Record;

    // A record holding the given role ids (stored or default), with a fresh client id and verifier.
    private StoredToken TokenOf(string organizationId, params string[] roleIds)
    {
        StoredToken generated = NewDefaultToken(organizationId);
        return new StoredToken(generated.ClientId, organizationId, roleIds, generated.Verifier, generated.CreatedAt) { CreatedBy = "conformance-suite" };
    }

    private void AssertRole(StoredRole expected, StoredRole? actual)
    {
        Assert.NotNull(actual);
        Assert.Equal(expected.Id, actual.Id);
        Assert.Equal(expected.OrganizationId, actual.OrganizationId);
        Assert.Equal(expected.Name, actual.Name);
        Assert.Equal(expected.Description, actual.Description);
        Assert.Equal(expected.Permissions, actual.Permissions);
        Assert.Equal(expected.Resources, actual.Resources);
        Assert.Equal(Truncate(expected.CreatedAt), actual.CreatedAt);
        Assert.Equal(Truncate(expected.UpdatedAt), actual.UpdatedAt);
        Assert.Equal(expected.UpdatedBy, actual.UpdatedBy);
        Assert.Equal(expected.Version, actual.Version);
    }

    private DateTimeOffset Truncate(DateTimeOffset value) => new(value.UtcTicks - (value.UtcTicks % TimePrecision.Ticks), TimeSpan.Zero);
}
