#include "app/platform.h"
#include "app/views.h"
#include "base/strings.h"

namespace nf::app {

void RecentFileHintView::drawContent(AppContext&) {
  ImGui::Text("To open %s again, choose it once more.", displayName(name_, 80).c_str());
  ImGui::TextDisabled("A web page cannot read a file from your disk by its name;");
  ImGui::TextDisabled("it only sees the files you drop on it or pick in the file chooser.");
  ImGui::Spacing();
  if (ImGui::Button("Choose file...")) {
    platform::openFilePicker();
    setOpen(false);
  }
  ImGui::SameLine();
  if (ImGui::Button("Cancel")) setOpen(false);
}

}  // namespace nf::app
