#include "hierarchy/report.h"

#include <cinttypes>
#include <cstdio>

#include "base/strings.h"

namespace nf::hierarchy {

namespace {

const char* sourceName(NameSource s) {
  switch (s) {
    case NameSource::Names: return "names";
    case NameSource::Metadata: return "metadata";
    default: return "none";
  }
}

// Names come from the model file: not necessarily UTF-8. Bytes >= 0x80 that do not
// form valid UTF-8 become U+FFFD so the document always parses.
std::string jsonString(std::string_view s) {
  std::string valid;
  valid.reserve(s.size());
  for (size_t i = 0; i < s.size();) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    size_t len = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
    bool ok = len > 0 && i + len <= s.size();
    for (size_t k = 1; ok && k < len; ++k) ok = (static_cast<unsigned char>(s[i + k]) >> 6) == 2;
    if (ok) {
      valid.append(s.substr(i, len));
      i += len;
    } else {
      valid += "\xEF\xBF\xBD";
      ++i;
    }
  }
  return "\"" + escapeJson(valid) + "\"";
}

void groupJson(const Hierarchy& h, uint32_t g, int indent, std::string* out) {
  const Group& grp = h.groups[g];
  std::string pad(static_cast<size_t>(indent), ' ');
  char buf[160];
  *out += pad + "{\"id\": " + std::to_string(g) + ", \"name\": " + jsonString(grp.name) + ", \"kind\": \"" +
          groupKindName(grp.kind) + "\", \"path\": " + jsonString(grp.path);
  std::snprintf(buf, sizeof buf, ", \"node_count\": %u, \"direct_nodes\": %zu", grp.node_count, grp.nodes.size());
  *out += buf;
  if (grp.series_number >= 0) *out += ", \"series_number\": " + std::to_string(grp.series_number);
  if (grp.repeat_class >= 0) *out += ", \"repeat_class\": " + std::to_string(grp.repeat_class);
  if (grp.children.empty()) {
    *out += ", \"children\": []}";
    return;
  }
  *out += ", \"children\": [\n";
  for (size_t i = 0; i < grp.children.size(); ++i) {
    groupJson(h, grp.children[i].index, indent + 1, out);
    *out += i + 1 < grp.children.size() ? ",\n" : "\n";
  }
  *out += pad + "]}";
}

}  // namespace

std::string hierarchyJson(const Hierarchy& h, const Expansion* first_sight, const VisibleGraph* shown) {
  std::string out = "{\n";
  out += "\"node_count\": " + std::to_string(h.topology.node_count) + ",\n";
  out += "\"group_count\": " + std::to_string(h.groups.size()) + ",\n";
  out += std::string("\"source\": \"") + sourceName(h.source) + "\",\n";
  out += "\"groups\":\n";
  if (!h.groups.empty()) groupJson(h, 0, 0, &out);
  else out += "null";
  out += ",\n\"repeats\": [";
  for (size_t c = 0; c < h.repeats.size(); ++c) {
    const RepeatClass& rc = h.repeats[c];
    out += c == 0 ? "\n" : ",\n";
    out += " {\"nodes_per_instance\": " + std::to_string(rc.nodes_per_instance) +
           ", \"instances\": " + std::to_string(rc.members.size()) + ", \"members\": [";
    for (size_t i = 0; i < rc.members.size(); ++i) out += (i ? ", " : "") + std::to_string(rc.members[i].index);
    out += "], \"example\": " + jsonString(h.group(rc.members[0]).path) + "}";
  }
  out += h.repeats.empty() ? "],\n" : "\n],\n";
  const Declutter& d = h.declutter;
  out += "\"declutter\": {\"constant\": " + std::to_string(d.constant_count) +
         ", \"shape\": " + std::to_string(d.shape_count) + ", \"pass_through\": " +
         std::to_string(d.pass_through_count) + ", \"high_fan_out\": " + std::to_string(d.high_fan_out_count) + "}";
  if (first_sight) {
    out += ",\n\"first_sight\": {\"open\": [";
    bool any = false;
    for (size_t g = 1; g < first_sight->open.size() && g < h.groups.size(); ++g) {
      if (!first_sight->open[g]) continue;
      out += (any ? ", " : "") + std::to_string(g);
      any = true;
    }
    out += "], \"folded\": [";
    any = false;
    for (size_t g = 1; g < first_sight->folded.size() && g < h.groups.size(); ++g) {
      if (!first_sight->folded[g] || !first_sight->isOpen(GroupId{static_cast<uint32_t>(g)})) continue;
      out += (any ? ", " : "") + std::to_string(g);
      any = true;
    }
    out += "]";
    if (shown) {
      out += ", \"items\": " + std::to_string(shown->items.size()) + ", \"edges\": " +
             std::to_string(shown->edges.size()) + ", \"folded_nodes\": " + std::to_string(shown->folded_nodes);
    }
    out += "}";
  }
  out += "\n}\n";
  return out;
}

}  // namespace nf::hierarchy
