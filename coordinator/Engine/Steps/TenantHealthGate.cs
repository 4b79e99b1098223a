using ZkMitosis.Coordinator.Plans;
using ZkMitosis.Coordinator.Verification;

namespace ZkMitosis.Coordinator.Engine.Steps;

/// <summary>A tenant's ephemeral registrations (<see cref="TenantHealth"/>): the health gate after a restart, and the sessions "did not notice" follows.</summary>
internal static class TenantHealthGate
{
    /// <summary>The registrations of <paramref name="tenant"/> as <paramref name="servers"/> serve them.</summary>
    public static Task<IReadOnlyList<TenantRegistration>> ReadAsync(StepContext context, TenantSpec tenant, IReadOnlyList<ServerSpec> servers, CancellationToken cancellationToken) =>
        context.Inspector.ReadRegistrationsAsync(servers, tenant.Chroot + tenant.Health.RegistrationPath.TrimEnd('/'), tenant.Health.Child, cancellationToken);

    /// <summary>How many registrations <paramref name="tenant"/> has on <paramref name="servers"/>.</summary>
    public static async Task<int> CountAsync(StepContext context, TenantSpec tenant, IReadOnlyList<ServerSpec> servers, CancellationToken cancellationToken) =>
        (await ReadAsync(context, tenant, servers, cancellationToken).ConfigureAwait(false)).Count;
}
