#version 300 es
// Edges: antialiased across the line; lines thinner than a pixel fade instead.
precision highp float;

in float v_across;
uniform vec4 u_color;
uniform float u_half_width;

out vec4 o_color;

void main() {
  float hw = max(u_half_width, 0.5);
  float a = clamp(hw + 0.5 - abs(v_across), 0.0, 1.0) * min(1.0, u_half_width * 2.0);
  if (a <= 0.003) discard;
  o_color = vec4(u_color.rgb, u_color.a * a);
}
