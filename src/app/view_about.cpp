#include <SDL_version.h>

#include "app/views.h"

namespace nf::app {

void AboutView::drawContent(AppContext&) {
  ImGui::Text("NetForge %s", NETFORGE_VERSION);
  ImGui::TextDisabled("View and build deep-learning model graphs, entirely in your browser.");
  ImGui::Separator();
  ImGui::TextUnformatted("Files you open never leave this page: nothing is uploaded.");
  ImGui::TextUnformatted("After one visit the site works offline.");
  ImGui::Separator();
  ImGui::TextUnformatted("Built with (all from Debian):");
  ImGui::BulletText("Dear ImGui %s (MIT)", IMGUI_VERSION);
  ImGui::BulletText("SDL %d.%d.%d (zlib)", SDL_MAJOR_VERSION, SDL_MINOR_VERSION, SDL_PATCHLEVEL);
  ImGui::BulletText("protobuf-lite 3.21 (BSD-3-Clause), ONNX schema 1.12 (Apache-2.0)");
  ImGui::BulletText("DejaVu Sans font (Bitstream Vera licence)");
  ImGui::BulletText("Emscripten 3.1.6, WebGL 2");
}

}  // namespace nf::app
