using ZkMitosis.Lab.Manifest;
using ZkMitosis.Lab.Services;

namespace ZkMitosis.Lab.Hosts;

/// <summary>
/// A non-Kafka tenant host's files (<see cref="LabTenantProduct"/>): the product's config file pointing at the source,
/// and <c>etc/default/PRODUCT</c>, which runs the tenant-host STAND-IN in the product's mode (no Solr, HBase or ClickHouse
/// can be installed here).
/// </summary>
public static class TenantProductHostFiles
{
    public static void Write(LabHost host, IReadOnlyList<LabHost> source, LabBinaries binaries)
    {
        var product = host.TenantProduct ?? throw new LabException($"{host.Name} is not a tenant product host");
        var layout = host.Layout;
        layout.Create();
        var config = layout.ProductConfig(product);
        Directory.CreateDirectory(Path.GetDirectoryName(config)!);
        File.WriteAllText(config, product.RenderConfig(source.Select(s => (s.ConfigHost, s.ClientPort)).ToList()));
        var state = layout.ProductStandInState(product);
        Directory.CreateDirectory(Path.GetDirectoryName(state)!);
        string[] table = product == LabTenantProduct.ClickHouse ? ["--table", LabTenantProduct.ClickHouseTable] : [];
        ServiceEnvironment.Write(
            layout.ServiceEnvironment(product.Name),
            [.. binaries.StandInCommand(), product.Name, "--config", config, "--name", product.NodeName(host), .. table, "--state", state],
            match: config,
            logFile: layout.LogFile(product.Name));
    }
}
