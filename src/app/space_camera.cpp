#include "app/space_camera.h"

#include <algorithm>
#include <cmath>

namespace nf::app {

namespace {
using views::Vec3;
Vec3 sub(Vec3 a, Vec3 b) { return {a.x - b.x, a.y - b.y, a.z - b.z}; }
Vec3 add(Vec3 a, Vec3 b) { return {a.x + b.x, a.y + b.y, a.z + b.z}; }
Vec3 mul(Vec3 a, float s) { return {a.x * s, a.y * s, a.z * s}; }
float dot(Vec3 a, Vec3 b) { return a.x * b.x + a.y * b.y + a.z * b.z; }
Vec3 cross(Vec3 a, Vec3 b) { return {a.y * b.z - a.z * b.y, a.z * b.x - a.x * b.z, a.x * b.y - a.y * b.x}; }
Vec3 norm(Vec3 a) {
  const float l = std::sqrt(dot(a, a));
  return l > 0 ? mul(a, 1.0f / l) : a;
}
constexpr float kNear = 0.5f;

// The camera's basis: right, up, forward (towards the target).
void basis(const SpaceCamera& c, Vec3* r, Vec3* u, Vec3* f) {
  *f = norm(sub(c.target, c.eye()));
  *r = norm(cross(*f, Vec3{0, 1, 0}));
  *u = cross(*r, *f);
}
float farPlane(const SpaceCamera& c) { return std::max(1000.0f, c.distance * 4.0f); }
}  // namespace

Vec3 SpaceCamera::eye() const {
  const float cp = std::cos(pitch);
  return add(target, Vec3{distance * cp * std::sin(yaw), distance * std::sin(pitch), distance * cp * std::cos(yaw)});
}

Mat4 SpaceCamera::viewProj(float aspect) const {
  Vec3 r, u, f;
  basis(*this, &r, &u, &f);
  const Vec3 e = eye();
  // view (rows r, u, -f) then perspective
  const float t = 1.0f / std::tan(fov_y * 0.5f), n = kNear, fa = farPlane(*this);
  const float a = t / std::max(aspect, 1e-3f), b = t, c = -(fa + n) / (fa - n), d = -2.0f * fa * n / (fa - n);
  const float vx[4] = {r.x, r.y, r.z, -dot(r, e)}, vy[4] = {u.x, u.y, u.z, -dot(u, e)},
              vz[4] = {-f.x, -f.y, -f.z, dot(f, e)};
  Mat4 m{};
  for (int col = 0; col < 4; ++col) {
    m[col * 4 + 0] = a * vx[col];
    m[col * 4 + 1] = b * vy[col];
    m[col * 4 + 2] = c * vz[col] + (col == 3 ? d : 0.0f);
    m[col * 4 + 3] = -vz[col];
  }
  return m;
}

void SpaceCamera::ray(float px, float py, float w, float h, Vec3* origin, Vec3* dir) const {
  Vec3 r, u, f;
  basis(*this, &r, &u, &f);
  const float t = std::tan(fov_y * 0.5f);
  const float nx = (px / std::max(w, 1.0f)) * 2 - 1, ny = 1 - (py / std::max(h, 1.0f)) * 2;
  *origin = eye();
  *dir = norm(add(f, add(mul(r, nx * t * (w / std::max(h, 1.0f))), mul(u, ny * t))));
}

void SpaceCamera::orbit(float dx, float dy) {
  yaw -= dx * 0.008f;
  pitch = std::clamp(pitch + dy * 0.008f, -1.5f, 1.5f);
}

void SpaceCamera::pan(float dx, float dy, float canvas_h) {
  Vec3 r, u, f;
  basis(*this, &r, &u, &f);
  const float per_px = 2.0f * distance * std::tan(fov_y * 0.5f) / std::max(canvas_h, 1.0f);
  target = add(target, add(mul(r, -dx * per_px), mul(u, dy * per_px)));
}

void SpaceCamera::zoom(float factor) { distance = std::clamp(distance * factor, 2.0f, 100000.0f); }

void SpaceCamera::fit(Vec3 mn, Vec3 mx, float aspect) {
  target = mul(add(mn, mx), 0.5f);
  const float radius = std::max(1.0f, 0.5f * std::sqrt(dot(sub(mx, mn), sub(mx, mn))));
  const float half = std::min(fov_y * 0.5f, std::atan(std::tan(fov_y * 0.5f) * std::max(aspect, 0.1f)));
  distance = radius / std::sin(half) * 1.02f;
}

bool SpaceCamera::project(Vec3 p, float w, float h, float* px, float* py) const {
  const Mat4 m = viewProj(w / std::max(h, 1.0f));
  const float x = m[0] * p.x + m[4] * p.y + m[8] * p.z + m[12], y = m[1] * p.x + m[5] * p.y + m[9] * p.z + m[13],
              ww = m[3] * p.x + m[7] * p.y + m[11] * p.z + m[15];
  if (ww <= 1e-4f) return false;
  *px = (x / ww * 0.5f + 0.5f) * w;
  *py = (0.5f - y / ww * 0.5f) * h;
  return true;
}

}  // namespace nf::app
