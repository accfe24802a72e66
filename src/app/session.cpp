#include "app/session.h"

#include <algorithm>
#include <cstdlib>
#include <sstream>

namespace nf::app {

namespace {
constexpr const char* kRecentKey = "netforge.recent";
}  // namespace

Session::Session(bool remember_recent) : doc_([] { return platform::nowMs(); }), remember_recent_(remember_recent) {}

// Recent files are stored as lines "<size>\t<name>", newest first.
void Session::loadPersisted() {
  recent_.clear();
  std::istringstream in(platform::storageGet(kRecentKey));
  std::string line;
  while (std::getline(in, line) && recent_.size() < kMaxRecent) {
    auto tab = line.find('\t');
    if (tab == std::string::npos || tab + 1 >= line.size()) continue;
    RecentFile r;
    r.size = std::strtoull(line.substr(0, tab).c_str(), nullptr, 10);
    r.name = line.substr(tab + 1);
    recent_.push_back(std::move(r));
  }
}

void Session::addRecent(const std::string& name, uint64_t size) {
  recent_.erase(std::remove_if(recent_.begin(), recent_.end(), [&](const RecentFile& r) { return r.name == name; }),
                recent_.end());
  recent_.insert(recent_.begin(), RecentFile{name, size});
  if (recent_.size() > kMaxRecent) recent_.resize(kMaxRecent);
  std::string text;
  for (const auto& r : recent_) {
    // Names come from the user's file system: keep them on one line.
    std::string safe = r.name;
    std::replace(safe.begin(), safe.end(), '\n', ' ');
    std::replace(safe.begin(), safe.end(), '\t', ' ');
    text += std::to_string(r.size) + "\t" + safe + "\n";
  }
  platform::storageSet(kRecentKey, text);
}

void Session::beforeFrame() {
  doc_.beforeFrame();
  // Generations only grow for new models; a restored previous one is not "opened".
  if (remember_recent_ && doc_.current() && doc_.generation() > recent_generation_) {
    recent_generation_ = doc_.generation();
    addRecent(doc_.current()->file_name, doc_.current()->file_size);
  }
}

platform::Status Session::status(bool ready) const {
  platform::Status s;
  s.ready = ready;
  s.state = doc_.publishedState();
  if (const OpenedModel* m = doc_.current()) {
    s.file = m->file_name;
    s.file_size = m->file_size;
    s.nodes = m->nodeCount();
  }
  s.error = doc_.lastError();
  s.problems = doc_.errorsReported();
  s.parse_ms = doc_.timings().parse_ms;
  s.layout_ms = doc_.timings().layout_ms;
  s.draw_ms = doc_.timings().draw_ms;
  s.view = view_;
  s.notice = doc_.missingDataNotice();
  return s;
}

}  // namespace nf::app
