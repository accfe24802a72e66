#include "document/file_routing.h"

#include <algorithm>
#include <cctype>
#include <string_view>

#include "base/strings.h"
#include "onnx/reader.h"

namespace nf::document {

const char* const kAcceptedFiles =
    "NetForge opens ONNX models (.onnx, dropped together with their external data files), model-builder "
    "documents (.json), and images, .npy/.pb tensors and .txt labels for the Run panel";

namespace {

constexpr size_t kNameInMessages = 80;

bool endsWithNoCase(std::string_view s, std::string_view suffix) {
  if (s.size() < suffix.size()) return false;
  return std::equal(suffix.rbegin(), suffix.rend(), s.rbegin(), [](char a, char b) {
    return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
  });
}

bool isImage(const FileProbe& f) {
  for (const char* ext : {".png", ".jpg", ".jpeg", ".webp", ".gif", ".bmp"})
    if (endsWithNoCase(f.name, ext)) return true;
  return f.media_type.rfind("image/", 0) == 0;
}

// The Run panel role of a file, or Unsupported. `pb_is_tensor`: a .pb may also be a model.
FileRole runRole(const FileProbe& f, bool pb_is_tensor) {
  if (isImage(f)) return FileRole::RunImage;
  if (endsWithNoCase(f.name, ".npy")) return FileRole::RunTensor;
  if (pb_is_tensor && endsWithNoCase(f.name, ".pb")) return FileRole::RunTensor;
  if (endsWithNoCase(f.name, ".txt")) return FileRole::RunLabels;
  return FileRole::Unsupported;
}

// A saved builder document ("format": "netforge-builder") or a compact one ({"v": ...}).
bool looksLikeBuilderDocument(const std::vector<uint8_t>& head) {
  std::string_view text(reinterpret_cast<const char*>(head.data()), head.size());
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);  // a UTF-8 byte order mark
  auto skipSpace = [&](size_t i) {
    while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i]))) ++i;
    return i;
  };
  size_t i = skipSpace(0);
  if (i >= text.size() || text[i] != '{') return false;
  if (text.find("\"netforge-builder\"") != std::string_view::npos) return true;
  i = skipSpace(i + 1);
  if (text.compare(i, 3, "\"v\"") != 0) return false;
  i = skipSpace(i + 3);
  return i < text.size() && text[i] == ':';
}

onnx::SniffResult sniff(const FileProbe& f) { return onnx::sniffFormat(f.head.data(), f.head.size(), f.size); }

std::string shown(const FileProbe& f) { return f.name.empty() ? std::string("(a file without a name)") : displayName(f.name, kNameInMessages); }

}  // namespace

FileProbe probeOf(std::string name, const ByteSource& bytes, std::string media_type) {
  FileProbe p;
  p.name = std::move(name);
  p.media_type = std::move(media_type);
  p.size = bytes.size();
  p.head.resize(static_cast<size_t>(std::min<uint64_t>(kProbeHeadBytes, p.size)));
  if (!p.head.empty() && !bytes.read(0, p.head.data(), p.head.size())) p.head.clear();
  return p;
}

const char* fileRoleName(FileRole role) {
  switch (role) {
    case FileRole::Model: return "model";
    case FileRole::ExternalData: return "data";
    case FileRole::BuilderDocument: return "builder";
    case FileRole::RunImage: return "run-image";
    case FileRole::RunTensor: return "run-tensor";
    case FileRole::RunLabels: return "run-labels";
    case FileRole::Unsupported: return "unsupported";
  }
  return "unsupported";
}

bool FileRouting::nothingOpens() const {
  return !roles.empty() && std::all_of(roles.begin(), roles.end(), [](FileRole r) { return r == FileRole::Unsupported; });
}

std::vector<std::string> FileRouting::problems() const {
  std::vector<std::string> out;
  for (const std::string& n : notes)
    if (!n.empty()) out.push_back(n);
  return out;
}

FileRouting routeFiles(const std::vector<FileProbe>& files, const RoutingContext& context) {
  FileRouting r;
  r.roles.assign(files.size(), FileRole::Unsupported);
  r.notes.assign(files.size(), std::string());
  if (files.empty()) return r;

  // 1. The Run panel's chooser takes only its inputs.
  if (context.target == DropTarget::RunPanel) {
    for (size_t i = 0; i < files.size(); ++i) {
      r.roles[i] = runRole(files[i], true);
      if (r.roles[i] == FileRole::Unsupported)
        r.notes[i] = shown(files[i]) + ": the Run panel takes images, .npy or .pb tensors and .txt labels";
    }
    return r;
  }

  // 2. A drop of Run panel inputs only.
  std::vector<FileRole> run(files.size());
  for (size_t i = 0; i < files.size(); ++i) run[i] = runRole(files[i], context.model_open);
  if (std::none_of(run.begin(), run.end(), [](FileRole x) { return x == FileRole::Unsupported; })) {
    r.roles = std::move(run);
    return r;
  }

  // 3. One builder document.
  if (files.size() == 1 && endsWithNoCase(files[0].name, ".json") && looksLikeBuilderDocument(files[0].head)) {
    r.roles[0] = FileRole::BuilderDocument;
    return r;
  }

  return routeModelBatch(files);
}

FileRouting routeModelBatch(const std::vector<FileProbe>& files) {
  FileRouting r;
  r.roles.assign(files.size(), FileRole::Unsupported);
  r.notes.assign(files.size(), std::string());
  for (size_t i = 0; i < files.size() && !r.model; ++i)
    if (endsWithNoCase(files[i].name, ".onnx")) r.model = i;
  for (size_t i = 0; i < files.size() && !r.model; ++i)
    if (sniff(files[i]).maybe_onnx) r.model = i;
  if (!r.model) {
    for (size_t i = 0; i < files.size(); ++i) r.notes[i] = shown(files[i]) + ": " + sniff(files[i]).description + ". " + kAcceptedFiles;
    return r;
  }
  for (size_t i = 0; i < files.size(); ++i) {
    if (i == *r.model) {
      r.roles[i] = FileRole::Model;
    } else if (endsWithNoCase(files[i].name, ".onnx")) {
      r.notes[i] = shown(files[i]) + ": not opened: one model opens at a time (" + shown(files[*r.model]) +
                   " is opened); drop it on its own to open it";
    } else {
      r.roles[i] = FileRole::ExternalData;
    }
  }
  return r;
}

}  // namespace nf::document
