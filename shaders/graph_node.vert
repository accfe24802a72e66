#version 300 es
// Node boxes: four vertices per box (indexed triangles; SwiftShader runs instanced
// draws one instance at a time, so plain vertices are several times faster there).
// Scene units in, framebuffer pixels of the graph viewport out (y down).
precision highp float;

layout(location = 0) in vec4 a_rect;    // x, y, width, height (scene units)
layout(location = 1) in vec4 a_color;   // header colour (RGBA8, normalized)
layout(location = 2) in float a_header; // header height (scene units); 0 = the whole box is header
layout(location = 3) in vec2 a_corner;  // which corner: (0|1, 0|1)
layout(location = 4) in vec4 a_state;   // x * 255: 0 plain, 1 neighbour, 2 selected, 3 hovered, 4 search match

uniform vec2 u_origin;    // scene point at the viewport's top-left corner
uniform float u_scale;    // framebuffer pixels per scene unit
uniform vec2 u_viewport;  // viewport size in framebuffer pixels
uniform float u_use_state;  // 0: draw every box plain (overview textures)
uniform float u_pad;      // pixels drawn around a highlighted box (its ring); plain boxes get 1 (antialiasing)

out vec2 v_px;                // fragment position from the box's top-left, pixels
flat out vec2 v_size;         // box size, pixels
flat out vec4 v_color;
flat out float v_header;      // header height, pixels
flat out float v_state;

void main() {
  float state = floor(a_state.x * 255.0 + 0.5) * u_use_state;
  vec2 size = a_rect.zw * u_scale;
  // Boxes never shrink below a pixel: a far-away graph still shows every node.
  vec2 shown = max(size, vec2(1.0));
  vec2 top_left = (a_rect.xy - u_origin) * u_scale - (shown - size) * 0.5;
  float pad = state > 0.5 ? u_pad : 1.0;
  vec2 local = a_corner * (shown + 2.0 * pad) - pad;
  v_px = local;
  v_size = shown;
  v_color = a_color;
  v_header = a_header * u_scale;
  v_state = state;
  vec2 clip = (top_left + local) / u_viewport * 2.0 - 1.0;
  gl_Position = vec4(clip.x, -clip.y, 0.0, 1.0);
}
