using TokenSdk.Roles;

namespace TokenSdk.Tests.Roles;

public class RoleLookupCacheTests
{
    [Fact]
    public void TryGet_RoleOwnIdInstance_FoundFromTheStart()
    {
        var cache = new RoleLookupCache(DefaultRoles.All);

        Assert.All(DefaultRoles.All, role => Assert.True(cache.TryGet(role.Id, out Role? found) && ReferenceEquals(found, role)));
    }

    [Fact]
    public void TryGet_OtherInstanceOfTheId_MissesUntilAdded()
    {
        var cache = new RoleLookupCache([DefaultRoles.ReadOnlyUser]);
        string other = new(DefaultRoles.ReadOnlyUser.Id.AsSpan());

        bool before = cache.TryGet(other, out _);
        cache.Add(other, DefaultRoles.ReadOnlyUser);
        bool after = cache.TryGet(other, out Role? role);

        Assert.False(before);
        Assert.True(after);
        Assert.Same(DefaultRoles.ReadOnlyUser, role);
    }

    [Fact]
    public void Add_MoreInstancesThanItHolds_KeepsTheFirstAndReplacesNone()
    {
        // The smallest cache (64 slots) holds 32 entries.
        var cache = new RoleLookupCache([]);
        string[] instances = [.. Enumerable.Range(0, 100).Select(_ => new string("orders-reader".AsSpan()))];

        foreach (string instance in instances)
        {
            cache.Add(instance, DefaultRoles.ReadOnlyUser);
        }

        bool[] cached = [.. instances.Select(i => cache.TryGet(i, out _))];
        Assert.All(cached.Take(32), Assert.True);
        Assert.All(cached.Skip(32), Assert.False);
    }

    [Fact]
    public void TryGet_ManyRoles_EveryRoleFoundUnderItsOwnId()
    {
        Role[] roles = [.. DefaultRoles.All, .. Enumerable.Range(0, 200).Select(i => new Role($"custom-role-{i}", $"Custom Role {i}", []))];

        var cache = new RoleLookupCache(roles);

        Assert.All(roles, role => Assert.True(cache.TryGet(role.Id, out Role? found) && ReferenceEquals(found, role), role.Id));
    }

    [Fact]
    public void Add_ManyIds_NeverThrowsAndEarlierEntriesStay()
    {
        var cache = new RoleLookupCache(DefaultRoles.All);
        string[] ids = [.. Enumerable.Range(0, 500).Select(i => $"role-{i}")];

        foreach (string id in ids)
        {
            cache.Add(id, DefaultRoles.UIViewOnly);
        }

        Assert.All(DefaultRoles.All, role => Assert.True(cache.TryGet(role.Id, out Role? found) && ReferenceEquals(found, role)));
        Assert.Contains(ids, id => cache.TryGet(id, out _));
        Assert.False(cache.TryGet(string.Empty, out _));
    }
}
