using System.Text.Json;

namespace ZkMitosis.Coordinator.Journal;

internal static class JournalJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web) { WriteIndented = false };
}
