#version 300 es
// Edges far away: every cubic drawn as its chord, four vertices per chord (indexed
// triangles), widened to a constant screen width. Close up, graph_edge.vert draws
// the true curves of the few visible edges.
precision highp float;

layout(location = 0) in vec4 a_ab;    // chord start .xy, end .zw (scene units)
layout(location = 1) in vec4 a_side;  // (0 start | 1 end, 0 left | 1 right, 1 = a curve's chord, 0)

uniform vec2 u_origin;
uniform float u_scale;
uniform vec2 u_viewport;
uniform float u_half_width;  // half the line width, pixels
uniform float u_hide_curves; // 1: skip the chords of curves (graph_edge.vert draws them as curves)

out float v_across;  // signed distance from the centre line, pixels

void main() {
  if (u_hide_curves > 0.5 && a_side.z > 0.5) {
    v_across = 0.0;
    gl_Position = vec4(2.0, 2.0, 2.0, 1.0);  // outside the clip volume: dropped
    return;
  }
  vec2 a = a_ab.xy, b = a_ab.zw;
  vec2 d = b - a;
  if (dot(d, d) < 1e-10) d = vec2(0.0, 1.0);
  vec2 n = normalize(vec2(-d.y, d.x));
  float side = a_side.y * 2.0 - 1.0;
  float w = u_half_width + 1.0;
  vec2 p = mix(a, b, a_side.x);
  vec2 pos = (p - u_origin) * u_scale + n * side * w;
  v_across = side * w;
  vec2 clip = pos / u_viewport * 2.0 - 1.0;
  gl_Position = vec4(clip.x, -clip.y, 0.0, 1.0);
}
