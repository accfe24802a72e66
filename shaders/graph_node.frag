#version 300 es
// Node boxes: rounded rectangle (signed distance, 1-pixel antialiasing), header band
// in the category colour, light body, thin border; a ring outside the box marks the
// hovered/selected node (thick), its neighbours (thin) and search matches.
// u_detail 0 (far zoom): the whole box in its category colour, no border.
precision highp float;

in vec2 v_px;
flat in vec2 v_size;
flat in vec4 v_color;
flat in float v_header;
flat in float v_state;

uniform vec4 u_body;
uniform vec4 u_border;
uniform vec4 u_select;
uniform vec4 u_neighbor;
uniform vec4 u_match;
uniform float u_radius;  // corner radius, pixels
uniform float u_detail;  // 0 far .. 1 near

out vec4 o_color;

float roundRect(vec2 p, vec2 half_size, float r) {
  vec2 q = abs(p) - half_size + r;
  return length(max(q, 0.0)) + min(max(q.x, q.y), 0.0) - r;
}

void main() {
  vec2 half_size = v_size * 0.5;
  float r = min(u_radius, min(half_size.x, half_size.y));
  float d = roundRect(v_px - half_size, half_size, r);
  float fill = clamp(0.5 - d, 0.0, 1.0);
  bool in_header = v_header <= 0.0 || v_px.y < v_header;
  vec3 near_col = in_header ? v_color.rgb : u_body.rgb;
  float border = clamp(1.0 - abs(d + 0.5), 0.0, 1.0);
  near_col = mix(near_col, u_border.rgb, border);
  vec3 col = mix(v_color.rgb, near_col, u_detail);
  float alpha = fill;
  float ring_w = v_state >= 2.0 ? 3.0 : (v_state >= 1.0 ? 2.0 : 0.0);
  if (ring_w > 0.0 && d > -0.5) {
    float ring = clamp(ring_w + 0.5 - d, 0.0, 1.0);
    vec3 ring_col = v_state >= 4.0 ? u_match.rgb : (v_state >= 2.0 ? u_select.rgb : u_neighbor.rgb);
    col = mix(col, ring_col, clamp(d + 0.5, 0.0, 1.0));
    alpha = max(alpha, ring);
  }
  if (alpha <= 0.003) discard;
  o_color = vec4(col, alpha);
}
