// app/graph_platform.h - what the graph view needs from the page beyond platform.h:
// handing a file to the user (exports). Web implementation: graph_platform_web.cpp.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>

namespace nf::app::platform {

// Offers bytes as a download named `name` (a Blob URL clicked through an <a download>).
// Also records window.netforgeLastDownload = {name, size, type} for tests.
void downloadFile(const std::string& name, const uint8_t* data, size_t size, const std::string& mime_type);

// Sets window[name] to the parsed JSON object: the graph views' state for tests and
// benchmarks (netforgeGraph, netforgeGraphB: scene size, camera, selection, search,
// frame counters), the comparison's (netforgeCompare).
void publishPageState(const char* name, const std::string& json);

}  // namespace nf::app::platform
