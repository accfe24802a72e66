#version 300 es
// Edges: one instance per cubic Bezier segment; the strip samples the curve at
// u_segments + 1 points (2 vertices each) and widens it to a constant screen width.
precision highp float;

layout(location = 0) in vec4 a_p01;  // P0.xy, P1.xy (scene units)
layout(location = 1) in vec4 a_p23;  // P2.xy, P3.xy

uniform vec2 u_origin;
uniform float u_scale;
uniform vec2 u_viewport;
uniform float u_half_width;  // half the line width, pixels
uniform float u_segments;    // chords per curve (>= 1)

out float v_across;  // signed distance from the centre line, pixels

void main() {
  float t = float(gl_VertexID >> 1) / u_segments;
  float side = float(gl_VertexID & 1) * 2.0 - 1.0;
  vec2 p0 = a_p01.xy, p1 = a_p01.zw, p2 = a_p23.xy, p3 = a_p23.zw;
  float u = 1.0 - t;
  vec2 p = u * u * u * p0 + 3.0 * u * u * t * p1 + 3.0 * u * t * t * p2 + t * t * t * p3;
  vec2 d = 3.0 * u * u * (p1 - p0) + 6.0 * u * t * (p2 - p1) + 3.0 * t * t * (p3 - p2);
  if (dot(d, d) < 1e-10) d = p3 - p0;
  if (dot(d, d) < 1e-10) d = vec2(0.0, 1.0);
  vec2 n = normalize(vec2(-d.y, d.x));
  float w = u_half_width + 1.0;  // one more pixel for the antialiased fringe
  vec2 pos = (p - u_origin) * u_scale + n * side * w;
  v_across = side * w;
  vec2 clip = pos / u_viewport * 2.0 - 1.0;
  gl_Position = vec4(clip.x, -clip.y, 0.0, 1.0);
}
